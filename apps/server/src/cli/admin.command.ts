import { parseArgs } from 'node:util';
import pg from 'pg';
import { createAdmin, promoteToAdmin } from '../auth/admin-accounts.js';
import type { Queryable } from '../database/database.js';

const USAGE = `genbox admin create EMAIL --password PASSWORD [--name NAME]   make a new administrator account
genbox admin promote EMAIL                                     make an existing account an administrator
(on the server host: DATABASE_URL names the database; GENBOX_ADMIN_PASSWORD may give the password)
`;

/**
 * `genbox admin …`: account rights straight in the database, for the operator of the server (no
 * running server needed, no token: whoever can reach DATABASE_URL owns the install anyway).
 */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv = process.env, write = (s: string) => process.stdout.write(s)): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { password: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: false });
  const [sub, email] = positionals;
  const password = typeof values.password === 'string' ? values.password : env.GENBOX_ADMIN_PASSWORD;
  const say = (human: string, json: object) => write(values.json ? `${JSON.stringify(json)}\n` : `${human}\n`);
  if (!env.DATABASE_URL) return fail('DATABASE_URL is not set: run this on the server host, with the database the server uses');
  if ((sub !== 'create' && sub !== 'promote') || !email) return fail(`usage:\n${USAGE}`, 2);
  if (sub === 'create' && (!password || password.length < 8)) return fail('admin create needs --password (at least 8 characters), or GENBOX_ADMIN_PASSWORD', 2);

  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const q: Queryable = { query: async (sql, params) => (await client.query(sql, params)).rows };
  try {
    if (sub === 'promote') {
      if (!(await promoteToAdmin(q, email))) return fail(`no account uses ${email}: create it with \`genbox admin create ${email} --password …\``);
      say(`${email} is an administrator.`, { email, is_admin: true });
      return 0;
    }
    const made = await createAdmin(q, email, password!, typeof values.name === 'string' ? values.name : undefined);
    if (made === 'taken') return fail(`${email} already has an account: \`genbox admin promote ${email}\` makes it an administrator`);
    say(`Created administrator ${email} (${made.id}).`, { email, id: made.id, is_admin: true });
    return 0;
  } finally {
    await client.end();
  }

  function fail(message: string, code = 1): number {
    process.stderr.write(`error: ${message}\n`);
    return code;
  }
}
