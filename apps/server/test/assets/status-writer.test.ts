import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssetStatusWriter } from '../../src/assets/asset-status.writer.js';
import { type Received, type TestGenbox, type UserClient, connected, insertAsset, joinBox, recordEvents, startTestGenbox, until } from '../harness.js';

const SRC = 'apps/server/src';
/** The writer and the repository under it: the only files that may write an asset's status. */
const WRITER = 'assets/asset-status.writer.ts';
const REPOSITORY = 'assets/assets.repository.ts';

function serverSources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'migrations' ? [] : serverSources(p); // the schema, not the app
    return /\.ts$/.test(name) && !/\.(test|spec|d)\.ts$/.test(name) ? [p] : [];
  });
}

/** Every way a file could write an asset's status (or send its event) without the writer. */
function statusWrites(text: string): string[] {
  const found: string[] = [];
  // SQL on the assets table: an UPDATE (of status or anything beside it) or an INSERT
  for (const m of text.matchAll(/\b(?:UPDATE\s+assets|INSERT\s+INTO\s+assets)\b/gi)) found.push(`SQL ${m[0]}`);
  // TypeORM: a query builder on the table, or a write through an asset entity
  for (const m of text.matchAll(/\.(?:update|insert|into)\(\s*['"]assets['"]/g)) found.push(`query builder ${m[0]}`);
  if (/\bAsset\w*Entity\b/.test(text)) for (const m of text.matchAll(/\.(?:save|update|insert|upsert|increment|decrement|softRemove)\(/g)) found.push(`TypeORM write ${m[0]} beside an asset entity`);
  // the repository's writing methods, called on whatever holds it
  for (const [, name] of text.matchAll(/(\w+)\s*:\s*AssetsRepository\b/g)) {
    for (const m of text.matchAll(new RegExp(`\\b${name}\\.(?:transition|insert|patch)\\(`, 'g'))) found.push(`repository write ${m[0]}`);
  }
  // an asset.created/updated event sent by hand (a write's event belongs to the writer that won it)
  for (const [, name] of text.matchAll(/(\w+)\s*:\s*AssetNotifier\b/g)) {
    for (const m of text.matchAll(new RegExp(`\\b${name}\\.(?:created|updated)\\(`, 'g'))) found.push(`hand-sent event ${m[0]}`);
  }
  return found;
}

describe('one writer of asset status', () => {
  it('no server file but the writer and its repository writes an asset status or sends its event', () => {
    const offences = serverSources()
      .map((f) => relative(SRC, f))
      .filter((f) => f !== WRITER && f !== REPOSITORY)
      .flatMap((f) => statusWrites(readFileSync(join(SRC, f), 'utf8')).map((w) => `${f}: ${w}`));
    expect(offences).toEqual([]);
  });

  it('the scan sees the writes where they are (so an empty list above means something)', () => {
    const writer = statusWrites(readFileSync(join(SRC, WRITER), 'utf8')).join('\n');
    for (const call of ['transition(', 'insert(', 'patch(', 'created(', 'updated(']) expect(writer).toContain(call);
    const repository = statusWrites(readFileSync(join(SRC, REPOSITORY), 'utf8')).join('\n');
    expect(repository).toContain('UPDATE assets');
    expect(repository).toContain('INSERT INTO assets');
    expect(statusWrites('constructor(private readonly repo: AssetsRepository) {} x() { return this.repo.transition(id) }')).toHaveLength(1);
    expect(statusWrites('await db.query(`UPDATE assets SET status = $2 WHERE id = $1`)')).toHaveLength(1);
    expect(statusWrites("em.createQueryBuilder().update('assets').set({ status })")).toHaveLength(1);
    expect(statusWrites('import { AssetEntity } from "x"; await repo.save(row)')).toHaveLength(1);
  });
});

describe('the status writer against PostgreSQL and the socket', () => {
  let gb: TestGenbox;
  let owner: UserClient;
  let writer: AssetStatusWriter;

  beforeAll(async () => {
    gb = await startTestGenbox();
    owner = await gb.newUser('writer');
    writer = gb.app.get(AssetStatusWriter);
  });
  afterAll(async () => {
    await gb?.stop();
  });

  const seqOf = async (boxId: string) => Number((await gb.sql<{ event_seq: string }>('SELECT event_seq FROM boxes WHERE id = $1', [boxId]))[0]!.event_seq);
  const historyOf = async (assetId: string) => (await gb.sql<{ to_status: string }>('SELECT to_status FROM asset_events WHERE asset_id = $1 ORDER BY id', [assetId])).map((r) => r.to_status);
  const updatesOf = (events: Received[], assetId: string) => events.filter((e) => e.event === 'asset.updated' && e.payload.asset.id === assetId);

  it('two racing moves: one wins, one history row, one seq bump, one event; the loser writes and sends nothing', async () => {
    const box = await owner.createBox('Racing moves');
    const raced = await insertAsset(gb, box.id, owner.id, { status: 'PENDING', attempts: 1 });
    const marker = await insertAsset(gb, box.id, owner.id, { status: 'PENDING', attempts: 1 });
    const socket = await connected(owner.socket());
    try {
      expect((await joinBox(socket, box.id)).ok).toBe(true);
      const events = recordEvents(socket);
      const seqBefore = await seqOf(box.id);

      const [canceled, failed] = await Promise.all([
        writer.move(raced, ['PENDING'], 'CANCELED', { completed_at: new Date() }),
        writer.move(raced, ['PENDING'], 'FAILED', { error_code: 'x', error_message: 'x', completed_at: new Date() }),
      ]);
      const won = [canceled, failed].filter((m) => m !== null);
      expect(won).toHaveLength(1);
      const status = won[0]!.row.status;
      // a late move from a status it left: nothing
      expect(await writer.move(raced, ['PENDING'], 'PROCESSING', { started_at: new Date() })).toBeNull();
      expect(await writer.patch(raced, ['PROCESSING'], { progress: 50 })).toBeNull();
      // a change that wins after them: once its event is here, every event before it in the box's order is too
      const last = await writer.move(marker, ['PENDING'], 'CANCELED', { completed_at: new Date() });
      await until(() => updatesOf(events, marker), (u) => u.length === 1, 10_000, 'the marker event');

      const updates = updatesOf(events, raced);
      expect(updates).toHaveLength(1);
      expect(updates[0]!.payload.asset.status).toBe(status);
      expect(updates[0]!.payload.seq).toBe(won[0]!.seq);
      expect(await historyOf(raced)).toEqual([status]); // the fixture row has no history of its own
      expect(await seqOf(box.id)).toBe(seqBefore + 2); // the winner's bump and the marker's, no other
      expect(last!.seq).toBe(seqBefore + 2);
      expect((await owner.get<{ status: string }>(`/api/assets/${raced}`).ok()).status).toBe(status);
    } finally {
      socket.disconnect();
    }
  }, 60_000);

  it('a move of one attempt leaves a later attempt alone', async () => {
    const box = await owner.createBox('Attempts');
    const id = await insertAsset(gb, box.id, owner.id, { status: 'PROCESSING', attempts: 2, started_at: new Date() });
    const seq = await seqOf(box.id);
    expect(await writer.move(id, ['PROCESSING'], 'COMPLETED', { completed_at: new Date() }, { onlyAttempt: 1 })).toBeNull();
    expect(await seqOf(box.id)).toBe(seq);
    expect(await historyOf(id)).toEqual([]);
    expect(await writer.move(id, ['PROCESSING'], 'FAILED', { error_code: 'x', error_message: 'x' }, { onlyAttempt: 2 })).not.toBeNull();
  });

  it('a move the transition table does not have is refused and writes nothing', async () => {
    const box = await owner.createBox('Refused');
    const id = await insertAsset(gb, box.id, owner.id, { status: 'COMPLETED', attempts: 1 });
    const seq = await seqOf(box.id);
    await expect(writer.move(id, ['COMPLETED'], 'PENDING')).rejects.toThrow(/not in the asset transition table/);
    expect(await seqOf(box.id)).toBe(seq);
    expect(await historyOf(id)).toEqual([]);
  });

  it('a creation sends asset.created once, with its history row and seq', async () => {
    const box = await owner.createBox('Created');
    const socket = await connected(owner.socket());
    try {
      expect((await joinBox(socket, box.id)).ok).toBe(true);
      const events = recordEvents(socket);
      const [made] = await writer.create(box.id, [{ box_id: box.id, type: 'IMAGE', status: 'PENDING', source_type: 'GENERATED', prompt: 'p', created_by: owner.id, changes: { attempts: 1 } }]);
      const created = await until(() => events.filter((e) => e.event === 'asset.created'), (c) => c.length === 1, 10_000, 'asset.created');
      expect(created[0]!.payload.asset.id).toBe(made!.row.id);
      expect(created[0]!.payload.seq).toBe(made!.seq);
      expect(await historyOf(made!.row.id)).toEqual(['PENDING']);
    } finally {
      socket.disconnect();
    }
  });
});
