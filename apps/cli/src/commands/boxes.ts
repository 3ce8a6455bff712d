import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';

export async function boxes({ client, out, args }: Ctx, sub: string | undefined) {
  if (sub === 'list') {
    const { items } = await client.call('listBoxes');
    return out.result(items, () => out.table(items, ['id', 'name', 'role', 'paused', 'created_at']));
  }
  if (sub === 'create') {
    const name = args.join(' ');
    if (!name) throw new UsageError('genbox boxes create NAME');
    const box = await client.call('createBox', { body: { name } });
    return out.result(box, () => out.line(`Created box "${box.name}" (${box.id}).`));
  }
  throw new UsageError('genbox boxes list|create');
}
