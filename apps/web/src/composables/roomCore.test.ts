// @vitest-environment happy-dom
import type { AssetDto, JoinAck, MemberDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAssetsStore } from '../stores/assets';
import { makeAsset } from '../test/fixtures';
import { createRoomCore, type SequencedEvent } from './roomCore';

const ME = 'user-me';
const flush = () => new Promise((r) => setTimeout(r, 0));

const created = (seq: number, asset: AssetDto): SequencedEvent => ({ name: 'asset.created', payload: { box_id: 'box-1', seq, asset } });
const updated = (seq: number, asset: AssetDto): SequencedEvent => ({ name: 'asset.updated', payload: { box_id: 'box-1', seq, asset } });
const member = (seq: number, userId: string, m: MemberDto | null): SequencedEvent => ({
  name: 'member.changed',
  payload: { box_id: 'box-1', seq, user_id: userId, member: m },
});

/** A room on box-1 whose server holds `serverAssets` and last seq `serverSeq`. */
function setup(opts: { joinSeq?: number; joinAck?: JoinAck } = {}) {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  const store = useAssetsStore();
  const server = { assets: [] as AssetDto[], seq: opts.joinSeq ?? 5 };
  const deps = {
    boxId: 'box-1',
    currentUserId: () => ME,
    join: vi.fn(async (): Promise<JoinAck> => opts.joinAck ?? { ok: true, seq: server.seq, presence: [{ user_id: ME, display_name: 'Me', viewing: [] }] }),
    fetchSeq: vi.fn(async () => server.seq),
    reload: vi.fn(async () => store.replace('box-1', server.assets)),
    onAsset: (a: AssetDto) => store.put(a),
    onAssetDeleted: (id: string) => store.remove('box-1', id),
    onBox: vi.fn(),
    onMember: vi.fn(),
  };
  const room = createRoomCore(deps);
  return { room, deps, store, server, statuses: () => store.list('box-1').map((a) => a.status) };
}

describe('board event ordering', () => {
  let asset: AssetDto;
  beforeEach(() => { asset = makeAsset({ status: 'PENDING', file_url: null }); });

  it('applies events that follow each other', async () => {
    const { room, statuses } = setup({ joinSeq: 5 });
    await room.connected();
    room.receive(created(6, asset));
    room.receive(updated(7, { ...asset, status: 'PROCESSING', progress: 40 }));
    expect(statuses()).toEqual(['PROCESSING']);
    expect(room.seq.value).toBe(7);
    expect(room.presence.value).toEqual([{ user_id: ME, display_name: 'Me', viewing: [] }]);
  });

  it('ignores an event it has already seen', async () => {
    const { room, statuses } = setup({ joinSeq: 5 });
    await room.connected();
    room.receive(created(6, asset));
    room.receive(updated(7, { ...asset, status: 'COMPLETED' }));
    room.receive(updated(6, { ...asset, status: 'PROCESSING' }));
    room.receive(updated(3, { ...asset, status: 'FAILED' }));
    expect(statuses()).toEqual(['COMPLETED']);
    expect(room.seq.value).toBe(7);
  });

  it('on a gap, refetches the box and replaces what it shows', async () => {
    const { room, deps, server, store } = setup({ joinSeq: 5 });
    await room.connected();
    room.receive(created(6, asset));
    const other = makeAsset({ status: 'COMPLETED' });
    server.assets = [other];
    server.seq = 9;
    room.receive(updated(9, { ...other }));
    await flush();
    expect(deps.fetchSeq).toHaveBeenCalledOnce();
    expect(deps.reload).toHaveBeenCalledTimes(2);
    expect(store.list('box-1').map((a) => a.id)).toEqual([other.id]);
    expect(room.seq.value).toBe(9);
    room.receive(updated(10, { ...other, status: 'FAILED' }));
    expect(store.list('box-1')[0]!.status).toBe('FAILED');
  });

  it('replays events that arrive while it refetches', async () => {
    const { room, server, statuses } = setup({ joinSeq: 5 });
    server.assets = [asset];
    const joining = room.connected();
    room.receive(updated(6, { ...asset, status: 'PROCESSING' }));
    room.receive(updated(5, { ...asset, status: 'FAILED' }));
    await joining;
    expect(statuses()).toEqual(['PROCESSING']);
    expect(room.seq.value).toBe(6);
  });

  it('a reconnect joins again and refetches', async () => {
    const { room, deps, server, statuses } = setup({ joinSeq: 5 });
    await room.connected();
    server.assets = [{ ...asset, status: 'COMPLETED' }];
    server.seq = 12;
    await room.connected();
    expect(deps.join).toHaveBeenCalledTimes(2);
    expect(statuses()).toEqual(['COMPLETED']);
    expect(room.seq.value).toBe(12);
  });

  it('says access was removed when the current user is removed, and stops applying events', async () => {
    const { room, deps, statuses } = setup({ joinSeq: 5 });
    await room.connected();
    room.receive(member(6, 'someone-else', null));
    expect(room.accessRemoved.value).toBe(false);
    room.receive(member(7, ME, null));
    expect(room.accessRemoved.value).toBe(true);
    expect(deps.onMember).toHaveBeenCalledTimes(2);
    room.receive(created(8, asset));
    expect(statuses()).toEqual([]);
  });

  it('shows why a join was refused', async () => {
    const { room } = setup({ joinAck: { ok: false, error: { statusCode: 403, error: 'forbidden', message: 'You are not a member of this box' } } });
    await room.connected();
    expect(room.error.value).toBe('You are not a member of this box');
    expect(room.seq.value).toBeNull();
  });

  it("ignores another box's events", async () => {
    const { room, statuses } = setup({ joinSeq: 5 });
    await room.connected();
    room.receive({ name: 'asset.created', payload: { box_id: 'box-2', seq: 6, asset } });
    expect(statuses()).toEqual([]);
    expect(room.seq.value).toBe(5);
  });
});
