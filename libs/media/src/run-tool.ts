import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { MediaToolError } from './media-errors.js';
export interface RunToolOptions {
  /** Bytes written to the tool's stdin (for `-i pipe:0`); a stream of chunks (e.g. raw frames) is written with backpressure. */
  stdin?: Buffer | AsyncIterable<Buffer>;
  signal?: AbortSignal;
}

/** Keeps only the tail of stderr: ffmpeg puts the reason last, and a long encode prints a lot. */
const STDERR_TAIL = 4000;

/** Runs a media tool to completion and returns its stdout; rejects with its stderr tail on a non-zero exit. */
export function runTool(binary: string, args: string[], opts: RunToolOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    opts.signal?.throwIfAborted();
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-STDERR_TAIL);
    });
    // The tool may exit before reading all of stdin (e.g. a bad header); that EPIPE is not the error to report.
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => reject(opts.signal?.aborted ? opts.signal.reason : e));
    child.on('close', (code) => {
      if (opts.signal?.aborted) return reject(opts.signal.reason);
      if (code === 0) return resolve(Buffer.concat(out));
      const reason = err.trim().split('\n').slice(-3).join(' | ');
      reject(new MediaToolError(`${binary.split('/').pop()} exited with ${code}: ${reason}`, err));
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
        if (!producerError) return;
        reject(producerError.error);
        child.kill('SIGKILL');
      });
    }
  });
}
