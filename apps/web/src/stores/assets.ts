import type { AssetDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import * as api from '../api/http';
import { type AssetView, DEFAULT_VIEW, compareFor, matchesView, sameView, viewToApi } from './assetView';

export { compareNewestFirst } from './assetView';

const FIRST_PAGE = 50;
const NEXT_PAGE = 100;

/**
 * A box's assets as the board shows them: the pages of the current view (filters and sort, read
 * server-side), kept live by realtime events. Assets are stored raw (not deeply reactive): a
 * board may hold thousands and only ever replaces them whole.
 */
export const useAssetsStore = defineStore('assets', () => {
  /** box id → asset id → asset */
  const byBox = ref<Record<string, Record<string, AssetDto>>>({});
  const nextCursor = ref<Record<string, string | null>>({});
  const views = ref<Record<string, AssetView>>({});
  /** How many assets the view matches in all, from the first page and live changes since. */
  const totals = ref<Record<string, number | null>>({});
  /** The first page of the current view has arrived (before that the board shows skeletons, not "empty"). */
  const ready = ref<Record<string, boolean>>({});
  const loadingMore = ref<Record<string, boolean>>({});
  /** Bumped on every (re)load of a box, so a page of an earlier view is dropped when it arrives. */
  const generation: Record<string, number> = {};

  const viewOf = (boxId: string) => views.value[boxId] ?? DEFAULT_VIEW;

  function list(boxId: string): AssetDto[] {
    return Object.values(byBox.value[boxId] ?? {}).sort(compareFor(viewOf(boxId).sort));
  }

  function get(boxId: string, assetId: string): AssetDto | undefined {
    return byBox.value[boxId]?.[assetId];
  }

  /** An asset the board does not hold lands only where the loaded pages reach (later pages bring the rest). */
  function withinLoaded(asset: AssetDto): boolean {
    if (!nextCursor.value[asset.box_id]) return true;
    const held = list(asset.box_id);
    const last = held[held.length - 1];
    return !last || compareFor(viewOf(asset.box_id).sort)(asset, last) < 0;
  }

  function store(asset: AssetDto) {
    (byBox.value[asset.box_id] ??= {})[asset.id] = markRaw(asset);
  }

  /** Keeps whichever copy is newer: a slow REST answer must not undo a later realtime update. */
  function upsert(asset: AssetDto) {
    const existing = byBox.value[asset.box_id]?.[asset.id];
    if (existing && existing.updated_at > asset.updated_at) return;
    if (!matchesView(asset, viewOf(asset.box_id))) return void (existing && remove(asset.box_id, asset.id));
    if (!existing) bumpTotal(asset.box_id, 1);
    store(asset);
  }

  /** Realtime events arrive in seq order, so they win unconditionally; `created` says it is new to the box. */
  function put(asset: AssetDto, created = false) {
    const existing = byBox.value[asset.box_id]?.[asset.id];
    if (!matchesView(asset, viewOf(asset.box_id))) return void (existing && remove(asset.box_id, asset.id));
    if (!existing && !created && !withinLoaded(asset)) return;
    if (!existing && (created || !nextCursor.value[asset.box_id])) bumpTotal(asset.box_id, 1);
    store(asset);
  }

  function remove(boxId: string, assetId: string) {
    const box = byBox.value[boxId];
    if (!box?.[assetId]) return;
    delete box[assetId];
    bumpTotal(boxId, -1);
  }

  function bumpTotal(boxId: string, by: number) {
    const t = totals.value[boxId];
    if (typeof t === 'number') totals.value[boxId] = Math.max(0, t + by);
  }

  function replace(boxId: string, assets: AssetDto[], cursor: string | null = null, total: number | null = assets.length) {
    byBox.value[boxId] = Object.fromEntries(assets.map((a) => [a.id, markRaw(a)]));
    nextCursor.value[boxId] = cursor;
    totals.value[boxId] = total;
  }

  /** The first page of the current view, replacing what was there (on open, on a new view, on a seq gap and on reconnect). */
  async function load(boxId: string): Promise<AssetDto[]> {
    const run = (generation[boxId] = (generation[boxId] ?? 0) + 1);
    const page = await api.listAssets(boxId, { ...viewToApi(viewOf(boxId)), limit: FIRST_PAGE });
    if (run !== generation[boxId]) return page.items;
    replace(boxId, page.items, page.next_cursor, page.total ?? null);
    ready.value[boxId] = true;
    return page.items;
  }

  /** Shows another view of the box: forgets the pages of the last one and loads the first of this. */
  async function setView(boxId: string, view: AssetView) {
    if (views.value[boxId] && sameView(views.value[boxId], view) && ready.value[boxId]) return;
    views.value[boxId] = view;
    ready.value[boxId] = false;
    await load(boxId);
  }

  async function loadMore(boxId: string) {
    const cursor = nextCursor.value[boxId];
    if (!cursor || loadingMore.value[boxId]) return;
    const run = generation[boxId];
    loadingMore.value[boxId] = true;
    try {
      const page = await api.listAssets(boxId, { ...viewToApi(viewOf(boxId)), limit: NEXT_PAGE, cursor });
      if (run !== generation[boxId]) return;
      const box = (byBox.value[boxId] ??= {});
      for (const a of page.items) {
        const held = box[a.id];
        if (!held || held.updated_at <= a.updated_at) box[a.id] = markRaw(a);
      }
      nextCursor.value[boxId] = page.next_cursor;
    } finally {
      loadingMore.value[boxId] = false;
    }
  }

  const hasMore = (boxId: string) => !!nextCursor.value[boxId];
  const total = (boxId: string) => totals.value[boxId] ?? null;
  const isReady = (boxId: string) => !!ready.value[boxId];
  const isLoadingMore = (boxId: string) => !!loadingMore.value[boxId];

  return { byBox, views, list, get, upsert, put, remove, replace, load, loadMore, setView, viewOf, hasMore, total, isReady, isLoadingMore };
});
