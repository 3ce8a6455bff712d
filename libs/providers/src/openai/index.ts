export { OpenAIAdapter, OPENAI_DEFAULT_BASE_URL } from './openai.adapter.js';
