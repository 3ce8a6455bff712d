import type { ChatRequest } from '../simulators/openai-chat.js';

/**
 * A ChatScript for the OpenAI simulator playing the storyboard planner's language model: as many
 * scenes as the request asks for, numbered; the continuity pass marks them "Consistent:".
 */
export function sceneWriter(req: ChatRequest) {
  const user = req.messages.find((m) => m.role === 'user')!.content;
  const n = Number(/Number of scenes: (\d+)/.exec(user)?.[1] ?? /Scenes \((\d+)\)/.exec(user)?.[1]);
  const rewrite = /Scenes \(/.test(user);
  return { content: { scenes: Array.from({ length: n }, (_, i) => ({ prompt: `${rewrite ? 'Consistent: ' : ''}shot ${i + 1} of the idea` })) } };
}
