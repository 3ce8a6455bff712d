import { parseArgs } from 'node:util';
import { ApiError, GenboxClient } from '@genbox/client';
import { COMMANDS } from './commands/index.js';
import { resolveTarget } from './config.js';
import type { Ctx, Flags } from './context.js';
import { UsageError, createOutput } from './output.js';

export const USAGE = `genbox — drive a running Genbox over REST (GENBOX_URL, GENBOX_TOKEN; add --json for JSON)

  genbox login --email EMAIL --password PASSWORD
  genbox boxes list | create NAME
  genbox providers list
  genbox providers add --name NAME --kind KIND [--base-url URL] [--key KEY] [--inactive] [--allow-private-network]
  genbox providers set-key PROVIDER KEY
  genbox providers test PROVIDER --box BOX_ID [--model SLUG]
  genbox models list [--all] | show SLUG | import --provider PROVIDER NAME
  genbox catalog import
  genbox generate --box BOX_ID --model SLUG --prompt TEXT [--param key=value …] [--image FILE] [--count N] [--wait [--out FILE|DIR]]
  genbox tokens create --name NAME [--scopes read,write] [--box-ids ID,…] [--expires-in-days N] | list | revoke TOKEN_ID
  genbox credits show [--email EMAIL] | grant --email EMAIL --amount N [--note TEXT]
  genbox admin create EMAIL --password PASSWORD | promote EMAIL   (on the server host, with DATABASE_URL)
`;

const OPTIONS = {
  json: { type: 'boolean' }, box: { type: 'string' }, model: { type: 'string' }, prompt: { type: 'string' },
  param: { type: 'string', multiple: true }, image: { type: 'string' }, count: { type: 'string' }, wait: { type: 'boolean' },
  out: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, 'base-url': { type: 'string' }, key: { type: 'string' },
  inactive: { type: 'boolean' }, 'allow-private-network': { type: 'boolean' }, provider: { type: 'string' }, email: { type: 'string' },
  password: { type: 'string' }, 'user-id': { type: 'string' }, amount: { type: 'string' }, note: { type: 'string' }, scopes: { type: 'string' },
  'box-ids': { type: 'string' }, 'expires-in-days': { type: 'string' }, all: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one command line; answers the process's exit code. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    json = !!values.json;
    const [command, sub, ...args] = positionals;
    if (!command || values.help || command === 'help') {
      process.stdout.write(USAGE);
      return command || values.help ? 0 : 2;
    }
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command "${command}"`);
    const target = await resolveTarget(env);
    const ctx: Ctx = { client: new GenboxClient({ baseUrl: target.url, token: target.token }), out: createOutput(json), args, flags: values as Flags, env, url: target.url };
    // generate and login take no subcommand: what follows them is arguments
    if (command === 'generate' || command === 'login') ctx.args = [sub, ...args].filter((a): a is string => a !== undefined);
    await handler(ctx, sub);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    return report(e, json);
  }
}

function report(e: unknown, json: boolean): number {
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  const body = e instanceof ApiError ? e.body : { statusCode: 0, error: usage ? 'usage' : 'error', message: (e as Error).message };
  if (json) process.stderr.write(`${JSON.stringify(body)}\n`);
  else process.stderr.write(`error: ${body.message}${e instanceof ApiError && e.status ? ` (HTTP ${e.status} ${e.code})` : ''}\n${usage ? `\n${USAGE}` : ''}`);
  return usage ? 2 : 1;
}
