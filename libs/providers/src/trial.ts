import type { AdapterContext, PollResult, ProviderAdapter, ProviderOutput, SubmitRequest } from './adapter.js';
import { ProviderError } from './errors.js';
import { pollPlanFor } from './poll.js';

/** What "Test generation" saw: the provider's final answer for one real run, or why there was none. */
export interface TrialResult {
  ok: boolean;
  /** COMPLETED, FAILED or CANCELED as the provider reported it; null when the run never got an answer. */
  status: PollResult['status'] | null;
  providerState: string | null;
  taskId: string | null;
  polls: number;
  outputs: ProviderOutput[];
  message: string;
}

/**
 * Runs one generation through the adapter exactly as a worker would (submit, then poll on the
 * model's plan), with no asset and no queue, and stops at `deadlineMs` however long the model
 * may take: an admin is waiting. Errors come back as the answer, never as a throw.
 */
export async function runTrial(adapter: ProviderAdapter, req: SubmitRequest, ctx: AdapterContext, deadlineMs: number, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<TrialResult> {
  const started = ctx.now();
  let taskId: string | null = null;
  let polls = 0;
  try {
    const submitted = await adapter.submit(req, ctx);
    let result: PollResult | undefined = submitted.result;
    if (submitted.kind === 'queued') {
      taskId = submitted.taskId;
      const plan = pollPlanFor(adapter, req.model);
      while (!result || result.status === 'PENDING' || result.status === 'PROCESSING') {
        const wait = plan.schedule(polls, ctx.now() - started);
        if (ctx.now() - started + wait > deadlineMs) {
          return { ok: false, status: result?.status ?? null, providerState: result?.providerState ?? null, taskId, polls, outputs: [], message: `Still ${result?.providerState ?? 'queued'} at the provider after ${Math.round((ctx.now() - started) / 1000)} s: the connection and the request work, but this test stops waiting here.` };
        }
        await sleep(wait);
        result = await adapter.poll(taskId, req, ctx);
        polls++;
      }
    }
    const done = result!;
    const outputs = done.outputs ?? [];
    if (done.status === 'COMPLETED') return { ok: outputs.length > 0, status: done.status, providerState: done.providerState, taskId, polls, outputs, message: outputs.length ? `Generated ${outputs.length} ${outputs.length === 1 ? 'file' : 'files'}.` : 'The provider finished but returned no file.' };
    return { ok: false, status: done.status, providerState: done.providerState, taskId, polls, outputs: [], message: done.error?.message ?? `The provider ended the run as ${done.status}.` };
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    return { ok: false, status: null, providerState: null, taskId, polls, outputs: [], message: err.message.replace(/[;,]?\s*Genbox will (try again|retry)[^.]*\.?$/, '.') };
  }
}
