import { ConfigError } from './config/env.js';
import { StartupError, startGenbox } from './bootstrap.js';
import { missingNodeFlags } from './node-flags.js';

/** `node apps/server/dist/main.js`: one start command; ROLE=api|worker|all picks what runs. */
try {
  const genbox = await startGenbox();
  const { config } = genbox.runtime;
  // before the up line, which is what scripts and tests wait for
  const missing = missingNodeFlags();
  if (missing.length) genbox.announce(`Started without ${missing.join(' ')}: big uploads and results cost about twice the CPU (npm start and the Docker image pass them; README, "Node settings")`);
  genbox.announce(`Genbox ${config.role} is up on ${config.publicUrl} (storage: ${config.storage.storage}, port ${config.port})`);
  if (genbox.demo && config.role !== 'worker') genbox.announce(`Demo login: ${genbox.demo.email} / ${genbox.demo.password}`);
  // SIGTERM (a container stop, a rolling deploy) or Ctrl-C: drain, then exit; a second signal does not cut it short
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      genbox.close().then(() => process.exit(0), (e: Error) => {
        console.error(`Genbox did not shut down cleanly: ${e.message}`);
        process.exit(1);
      });
    });
  }
} catch (e) {
  if (e instanceof ConfigError || e instanceof StartupError) {
    console.error(e.message);
    process.exit(1);
  }
  // anything else that stops the start (a bucket that cannot be made, a data dir without rights,
  // a failed migration) in one line; the stack only when asked for
  console.error(`Genbox could not start: ${(e as Error)?.message ?? String(e)}`);
  if (process.env.LOG_LEVEL === 'debug') console.error((e as Error)?.stack);
  else console.error('(LOG_LEVEL=debug shows where it happened)');
  process.exit(1);
}
