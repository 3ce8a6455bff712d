import { type ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { MediaToolDeadlineError, MediaToolError } from './media-errors.js';
import { toolDeadline } from './tool-deadlines.js';

export interface RunToolOptions {
  /** Bytes written to the tool's stdin (for `-i pipe:0`); a stream of chunks (e.g. raw frames) is written with backpressure. */
  stdin?: Buffer | AsyncIterable<Buffer>;
  signal?: AbortSignal;
  /**
   * ms the run may take before its process group is killed; the tool's configured deadline
   * (tool-deadlines.ts) when unset. Only tests of this runner pass one.
   */
  deadlineMs?: number;
}

/** Keeps only the tail of stderr: ffmpeg puts the reason last, and a long encode prints a lot. */
const STDERR_TAIL = 4000;

/** Process groups of runs in flight: killed if this process exits first, so no tool outlives the server. */
const running = new Set<number>();
let exitHookSet = false;

/** SIGKILLs the whole process group (the tool and anything it started); it may be gone already. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already reaped
  }
}

/**
 * Runs a media tool to completion and returns its stdout; rejects with its stderr tail on a
 * non-zero exit. Every run has a deadline: a tool stuck on an input that never ends (a pipe
 * nobody writes, a network source that trickles) is killed with its process group and reaped,
 * and the run rejects with a MediaToolDeadlineError naming the tool and the deadline.
 */
export function runTool(binary: string, args: string[], opts: RunToolOptions = {}): Promise<Buffer> {
  const tool = binary.split('/').pop() ?? binary;
  const deadlineMs = opts.deadlineMs ?? toolDeadline(binary);
  return new Promise((resolve, reject) => {
    opts.signal?.throwIfAborted();
    // its own process group (detached), so one kill reaches whatever it starts as well
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) running.add(child.pid);
    if (!exitHookSet) {
      exitHookSet = true;
      process.once('exit', () => running.forEach((pid) => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }));
    }
    const out: Buffer[] = [];
    let err = '';
    /** Why we killed it (deadline, cancel, a failing producer): what the run rejects with once it is reaped. */
    let killedFor: { error: unknown } | null = null;
    const kill = (error: unknown) => {
      killedFor ??= { error };
      killGroup(child);
    };
    const timer = setTimeout(() => kill(new MediaToolDeadlineError(`${tool} did not finish within its ${formatMs(deadlineMs)} deadline and was killed`, err)), deadlineMs);
    const onAbort = () => kill(opts.signal!.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) running.delete(child.pid);
    };

    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-STDERR_TAIL);
    });
    // The tool may exit before reading all of stdin (e.g. a bad header); that EPIPE is not the error to report.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      settle();
      reject(killedFor ? killedFor.error : e);
    });
    // A killed run settles when the tool is reaped ('exit'), not when its pipes close: something
    // outside its group could still hold them open.
    child.on('exit', () => {
      if (!killedFor) return;
      settle();
      child.stdout.destroy();
      child.stderr.destroy();
      reject(killedFor.error);
    });
    child.on('close', (code) => {
      settle();
      if (killedFor) return reject(killedFor.error); // killed after it had already exited
      if (code === 0) return resolve(Buffer.concat(out));
      const reason = err.trim().split('\n').slice(-3).join(' | ');
      reject(new MediaToolError(`${tool} exited with ${code}: ${reason}`, err));
    });
    const stdin = opts.stdin;
    if (stdin === undefined || Buffer.isBuffer(stdin)) child.stdin.end(stdin);
    else {
      // Only a failure of the producer (e.g. a frame that cannot be drawn) is reported from here, and it
      // kills the tool; a tool that exits early is reported by 'close' with its own reason.
      let producerError: { error: unknown } | null = null;
      const guarded = async function* () {
        try {
          yield* stdin;
        } catch (error) {
          producerError = { error };
          throw error;
        }
      };
      pipeline(Readable.from(guarded()), child.stdin).catch(() => {
        if (producerError) kill(producerError.error);
      });
    }
  });
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
