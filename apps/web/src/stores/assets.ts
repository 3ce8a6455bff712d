import type { AssetDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../api/http';

const PAGE_SIZE = 60;

/** Newest first; the id breaks ties so the order never flickers. */
export function compareNewestFirst(a: AssetDto, b: AssetDto): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export const useAssetsStore = defineStore('assets', () => {
  /** box id → asset id → asset */
  const byBox = ref<Record<string, Record<string, AssetDto>>>({});
  const nextCursor = ref<Record<string, string | null>>({});

  function list(boxId: string): AssetDto[] {
    return Object.values(byBox.value[boxId] ?? {}).sort(compareNewestFirst);
  }

  function get(boxId: string, assetId: string): AssetDto | undefined {
    return byBox.value[boxId]?.[assetId];
  }

  /** Keeps whichever copy is newer: a slow REST answer must not undo a later realtime update. */
  function upsert(asset: AssetDto) {
    const box = (byBox.value[asset.box_id] ??= {});
    const existing = box[asset.id];
    if (existing && existing.updated_at > asset.updated_at) return;
    box[asset.id] = asset;
  }

  /** Realtime events arrive in seq order, so they win unconditionally. */
  function put(asset: AssetDto) {
    (byBox.value[asset.box_id] ??= {})[asset.id] = asset;
  }

  function remove(boxId: string, assetId: string) {
    const box = byBox.value[boxId];
    if (box) delete box[assetId];
  }

  function replace(boxId: string, assets: AssetDto[], cursor: string | null = null) {
    byBox.value[boxId] = Object.fromEntries(assets.map((a) => [a.id, a]));
    nextCursor.value[boxId] = cursor;
  }

  /** The first page, replacing what was there (used on open, on a seq gap and on reconnect). */
  async function load(boxId: string): Promise<AssetDto[]> {
    const page = await api.listAssets(boxId, { limit: PAGE_SIZE });
    replace(boxId, page.items, page.next_cursor);
    return page.items;
  }

  async function loadMore(boxId: string) {
    const cursor = nextCursor.value[boxId];
    if (!cursor) return;
    const page = await api.listAssets(boxId, { limit: PAGE_SIZE, cursor });
    for (const a of page.items) upsert(a);
    nextCursor.value[boxId] = page.next_cursor;
  }

  function hasMore(boxId: string) {
    return !!nextCursor.value[boxId];
  }

  return { byBox, list, get, upsert, put, remove, replace, load, loadMore, hasMore };
});
