import { type AssetFailure, type AssetStatus, failureOf } from '@genbox/contracts';

/**
 * Why a storyboard stopped, twice: `failure` is the sentence every member reads (REST, socket,
 * SSE), naming who can fix it; `detail` is the technical reason with the provider's own words,
 * stored as error_message and shown to admins only over REST (as for assets, failures.ts).
 */
export interface StoryboardFailed { failure: AssetFailure; detail: string }

const ADMIN = 'ask an admin';
/** A storyboard that failed before its failure was stored apart from its detail. */
export const UNKNOWN_STORYBOARD_FAILURE: AssetFailure = { message: `This storyboard failed. Re-run a scene; if it keeps failing, ${ADMIN}.`, fixed_by: 'admin', retry_helps: true };

/** The planner failed (provider error code `code`, or null when the planner's provider is gone or may not plan). */
export function plannerFailed(code: string | null, detail: string): StoryboardFailed {
  const asset = code ? failureOf('FAILED', code) : null;
  const lead = 'The planner could not plan this storyboard.';
  let failure: AssetFailure;
  if (!asset) failure = { message: `${lead} Its provider is not available for planning — ${ADMIN}, or plan with the built-in planner.`, fixed_by: 'admin', retry_helps: false };
  else if (code === 'provider_content_filtered') failure = { message: `${lead} It refused this idea: rephrase it and plan it again.`, fixed_by: 'editor', retry_helps: false };
  else if (asset.fixed_by === 'editor') failure = { message: `${lead} Its provider refused the request: change the idea or the number of scenes and plan it again.`, fixed_by: 'editor', retry_helps: false };
  else if (asset.fixed_by === 'retry') failure = { message: `${lead} Its provider did not answer or was busy: plan it again in a moment.`, fixed_by: 'retry', retry_helps: false };
  else failure = { message: `${lead} ${asset.message}`, fixed_by: 'admin', retry_helps: false };
  return { failure, detail };
}

/** Scene `n` (1-based) of `total` failed or was canceled: it stops its successors. */
export function sceneStopped(n: number, total: number, scene: { status: AssetStatus; errorCode: string | null; errorMessage: string | null }): StoryboardFailed {
  const rest = total - n;
  const after = rest === 0 ? '' : rest === 1 ? ` Scene ${n + 1} did not start.` : ` Scenes ${n + 1}–${total} did not start.`;
  const canceled = scene.status === 'CANCELED';
  const why = canceled ? 'was canceled' : `failed${scene.errorMessage ? `: ${scene.errorMessage.replace(/\.$/, '')}` : ''}`;
  const asset = failureOf(scene.status, scene.errorCode) ?? failureOf('FAILED', null)!;
  // the asset's sentence speaks of Retry and Remix on its card; here the scene is re-run from the storyboard
  const reason = canceled ? '' : ` ${asset.message.replace(/ \(Remix\)/g, '')}`;
  return {
    failure: { message: `Scene ${n} ${canceled ? 'was canceled' : 'failed'}.${reason}${after} Re-run from scene ${n} to carry on.`, fixed_by: asset.fixed_by, retry_helps: asset.retry_helps },
    detail: `Scene ${n} ${why}.${after} Edit it and retry it to carry on.`,
  };
}

/** Scene `n` could not start: its model is gone or switched off. */
export function sceneModelGone(n: number, detail: string): StoryboardFailed {
  return { failure: { message: `Scene ${n} could not start: its model is not available any more — ${ADMIN} to turn it back on, then re-run from scene ${n}.`, fixed_by: 'admin', retry_helps: false }, detail };
}

/** Scene `n` could not start: the author's balance is short (`why`: Genbox's own 402 sentence, no provider words). */
export function sceneUnpaid(n: number, why: string): StoryboardFailed {
  const message = `Scene ${n} could not start: ${why}. Re-run from scene ${n} once credits are granted.`;
  return { failure: { message, fixed_by: 'admin', retry_helps: false }, detail: message };
}

/** The film asset failed (or is gone): the scenes are kept. */
export function filmFailed(detail: string): StoryboardFailed {
  return { failure: { message: 'The finished scenes could not be joined into the film. Re-run the last scene to make the film again; if it keeps failing, ask an admin.', fixed_by: 'retry', retry_helps: true }, detail };
}
