import { runAdmin } from './admin.command.js';

process.exitCode = await runAdmin(process.argv.slice(2));
