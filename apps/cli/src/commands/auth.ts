import type { TokenScope } from '@genbox/contracts';
import { writeSaved } from '../config.js';
import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';

/** `genbox login --email E --password P`: keeps the session token for the next commands. */
export async function login({ client, out, flags, env, url }: Ctx) {
  const email = flags.email ?? env.GENBOX_EMAIL;
  const password = flags.password ?? env.GENBOX_PASSWORD;
  if (!email || !password) throw new UsageError('genbox login --email EMAIL --password PASSWORD (or GENBOX_EMAIL / GENBOX_PASSWORD)');
  const { user, token } = await client.call('login', { body: { email, password } });
  const path = await writeSaved(env, { url, token, email: user.email });
  out.result({ user, token, saved_to: path }, () => {
    out.line(`Logged in to ${url} as ${user.display_name} <${user.email}>${user.is_admin ? ' (admin)' : ''}.`);
    out.line(`Token saved to ${path} (readable by you only); \`genbox login --json\` prints it for GENBOX_TOKEN.`);
  });
}

export async function tokens(ctx: Ctx, sub: string | undefined) {
  const { client, out, flags, args } = ctx;
  if (sub === 'create') {
    const name = flags.name ?? args[0];
    if (!name) throw new UsageError('genbox tokens create --name NAME [--scopes read,write,admin] [--box-ids ID,ID] [--expires-in-days N]');
    const body = {
      name,
      ...(flags.scopes ? { scopes: flags.scopes.split(',') as TokenScope[] } : {}),
      ...(flags['box-ids'] ? { box_ids: flags['box-ids'].split(',') } : {}),
      ...(flags['expires-in-days'] ? { expires_in_days: Number(flags['expires-in-days']) } : {}),
    };
    const created = await client.call('createToken', { body });
    return out.result(created, () => {
      out.line(`Token "${name}" (${created.id}) — shown once, keep it now:`);
      out.line(created.token);
    });
  }
  if (sub === 'list') {
    const { items } = await client.call('listTokens');
    return out.result(items, () => out.table(items.map((t) => ({ ...t, scopes: t.scopes.join(','), current: t.current ? 'yes' : '' })), ['id', 'name', 'kind', 'scopes', 'created_at', 'last_used_at', 'expires_at', 'current']));
  }
  if (sub === 'revoke') {
    const id = args[0];
    if (!id) throw new UsageError('genbox tokens revoke TOKEN_ID');
    await client.call('revokeToken', { params: { id } });
    return out.result({ revoked: id }, () => out.line(`Revoked ${id}.`));
  }
  throw new UsageError('genbox tokens create|list|revoke');
}
