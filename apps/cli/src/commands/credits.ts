import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';

/** `credits show [--email E | --user-id U]` and `credits grant --email E --amount N [--note]` (admins). */
export async function credits({ client, out, flags }: Ctx, sub: string | undefined) {
  const who = { ...(flags.email ? { email: flags.email } : {}), ...(flags['user-id'] ? { user_id: flags['user-id'] } : {}) };
  if (sub === 'show') {
    const c = await client.call('credits', { query: who });
    return out.result(c, () => {
      out.line(`Balance ${c.balance} credits, ${c.held} held by running generations.`);
      out.table(c.items.slice(0, 10), ['created_at', 'kind', 'amount', 'balance_after', 'asset_id', 'note']);
    });
  }
  if (sub === 'grant') {
    const amount = Number(flags.amount);
    if (!Object.keys(who).length || !flags.amount || !Number.isFinite(amount)) throw new UsageError('genbox credits grant --email EMAIL (or --user-id ID) --amount N [--note TEXT]');
    const g = await client.call('grantCredits', { body: { ...who, amount, ...(flags.note ? { note: flags.note } : {}) } });
    return out.result(g, () => out.line(`Granted ${amount} credits to ${g.email}: balance ${g.balance}.`));
  }
  throw new UsageError('genbox credits show|grant');
}
