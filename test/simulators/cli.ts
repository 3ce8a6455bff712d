/**
 * `npm run sim`: starts every provider simulator on its fixed loopback port (4101–4106) and
 * registers them in a running Genbox (GENBOX_URL, GENBOX_ADMIN_EMAIL / GENBOX_ADMIN_PASSWORD;
 * the embedded demo user by default, an admin when Genbox runs with DEMO_ADMIN=true). `--no-register` only starts them. Ctrl-C stops them.
 */
import { register, startAll } from './fleet.js';

console.log('Starting provider simulators on 127.0.0.1:');
const running = await startAll();
if (!process.argv.includes('--no-register')) {
  try {
    await register(running);
  } catch (err) {
    // The simulators stay up: register by hand, or start Genbox and run this again.
    console.error(`Could not register in Genbox: ${(err as Error).message}`);
  }
}
console.log('Simulators running; Ctrl-C to stop.');
const stop = async () => {
  await Promise.all(running.map((r) => r.close()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
