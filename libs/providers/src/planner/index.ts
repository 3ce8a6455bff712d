export { continuityLocally, planLocally, sentencesOf } from './local-planner.js';
export { type ChatPlanner, continuityWithChat, planWithChat } from './chat-planner.js';
