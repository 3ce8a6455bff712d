export { continuityLocally, planLocally, sentencesOf } from './local-planner.js';
export { type ChatPlanner, continuityWithChat, planWithChat } from './chat-planner.js';
export { OPENAI_CHAT_TEMPLATE, type ChatCall, chatJson, parseJsonAnswer } from './chat-template.js';
