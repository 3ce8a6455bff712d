import type { FileOnDisk, SampleKind } from './files.js';
import type { SimReply, SimRequest } from './server.js';

/** Where a scripted task stands, in words every simulator maps to its own protocol. */
export type Phase = 'queued' | 'running' | 'succeeded' | 'failed' | 'filtered' | 'canceled';
export const TERMINAL_PHASES: readonly Phase[] = ['succeeded', 'failed', 'filtered', 'canceled'];

/**
 * How callbacks for a finished task are delivered:
 * once · twice (a retry of the same event) · out_of_order (the terminal event, then an older one) ·
 * late (after `lateMs`, so a poll has seen the end first) · bad_signature · stale_timestamp · none.
 */
export type CallbackPlan = 'once' | 'twice' | 'out_of_order' | 'late' | 'bad_signature' | 'stale_timestamp' | 'none';

/** The behaviour of one task. Each step is seen by `polls` polls or lasts `ms` of wall time, whichever ends first. */
export interface TaskScript {
  steps: { phase: 'queued' | 'running'; polls?: number; ms?: number }[];
  outcome: 'succeeded' | 'failed' | 'filtered';
  /** The provider's own failure reason. */
  failMessage?: string;
  output?: SampleKind;
  /** A result file on disk served instead of the sample (simulators that answer result URLs: Replicate). */
  outputFile?: FileOnDisk;
  /** Result URL lifetime in ms (404 afterwards). */
  resultTtlMs?: number;
  /** The result's host sends its headers, then one byte a second for ever (FileShelf.trickles records it). */
  trickleResult?: boolean;
  callbacks?: CallbackPlan;
  /** ms before a `late` callback. */
  lateMs?: number;
}

export const QUICK_SUCCESS: TaskScript = { steps: [{ phase: 'queued', polls: 1 }, { phase: 'running', polls: 1 }], outcome: 'succeeded' };

/** A task moving through its script; `observe()` counts as one poll. */
export class ScriptedTask {
  private polls = 0;
  private stepIndex = 0;
  private stepStartedAt: number;
  private forced: Phase | null = null;
  private finishedFired = false;

  constructor(
    readonly id: string,
    readonly script: TaskScript,
    private readonly now: () => number,
    /** Called once, when the task first reaches a terminal phase. */
    private readonly onFinish: (task: ScriptedTask) => void = () => {},
  ) {
    this.stepStartedAt = now();
    this.scheduleTimedSteps();
  }

  /** The phase now, counting this call as a poll. */
  observe(): Phase {
    this.polls += 1;
    return this.advance();
  }

  /** The phase now, without counting a poll. */
  peek(): Phase {
    return this.advance();
  }

  /** Progress 0–100 through the running steps, for providers that report it. */
  progress(): number {
    const phase = this.peek();
    if (TERMINAL_PHASES.includes(phase)) return 100;
    return Math.round((100 * this.stepIndex) / Math.max(1, this.script.steps.length));
  }

  cancel(): boolean {
    if (TERMINAL_PHASES.includes(this.peek())) return false;
    this.forced = 'canceled';
    this.fireFinish();
    return true;
  }

  private advance(): Phase {
    if (this.forced) return this.forced;
    while (this.stepIndex < this.script.steps.length) {
      const step = this.script.steps[this.stepIndex];
      // `polls` counts this step's observations; more than step.polls means this one belongs to the next step.
      const pollsDone = step.polls !== undefined && this.polls > step.polls;
      const timeDone = step.ms !== undefined && this.now() - this.stepStartedAt >= step.ms;
      const instant = step.polls === undefined && step.ms === undefined;
      if (!(pollsDone || timeDone || instant)) return step.phase;
      this.stepIndex += 1;
      this.polls = pollsDone ? this.polls - step.polls! : 0;
      this.stepStartedAt = this.now();
    }
    this.fireFinish();
    return this.script.outcome;
  }

  private fireFinish() {
    if (this.finishedFired) return;
    this.finishedFired = true;
    queueMicrotask(() => this.onFinish(this));
  }

  /** Tasks driven only by time must finish even when nobody polls (webhook-only clients). */
  private scheduleTimedSteps() {
    const total = this.script.steps.reduce((sum, s) => (s.ms !== undefined && s.polls === undefined ? sum + s.ms : NaN), 0);
    if (Number.isFinite(total)) setTimeout(() => this.peek(), total + 5).unref();
  }
}

/** A canned bad answer for the next `times` requests whose path contains `match` (429 bursts, 5xx, slow, malformed). */
export interface Fault {
  match: string;
  reply: SimReply;
  times: number;
}

export class FaultQueue {
  private readonly faults: Fault[] = [];

  add(match: string, reply: SimReply, times = 1): void {
    this.faults.push({ match, reply, times });
  }

  /** The fault for this request, consuming one use, or undefined. */
  take(req: SimRequest): SimReply | undefined {
    const f = this.faults.find((x) => x.times > 0 && `${req.method} ${req.path}`.includes(x.match));
    if (!f) return undefined;
    f.times -= 1;
    return f.reply;
  }

  clear(): void {
    this.faults.length = 0;
  }
}

/** The order and form of callback deliveries for a plan; each sim turns them into signed requests. */
export function callbackDeliveries(plan: CallbackPlan | undefined): { when: 'now' | 'late'; snapshot: 'final' | 'earlier'; signature: 'good' | 'bad' | 'stale' }[] {
  switch (plan ?? 'once') {
    case 'none':
      return [];
    case 'twice':
      return [{ when: 'now', snapshot: 'final', signature: 'good' }, { when: 'now', snapshot: 'final', signature: 'good' }];
    case 'out_of_order':
      return [{ when: 'now', snapshot: 'final', signature: 'good' }, { when: 'now', snapshot: 'earlier', signature: 'good' }];
    case 'late':
      return [{ when: 'late', snapshot: 'final', signature: 'good' }];
    case 'bad_signature':
      return [{ when: 'now', snapshot: 'final', signature: 'bad' }];
    case 'stale_timestamp':
      return [{ when: 'now', snapshot: 'final', signature: 'stale' }];
    default:
      return [{ when: 'now', snapshot: 'final', signature: 'good' }];
  }
}
