import { ASSET_STATUSES, ASSET_TYPES, type AssetDto, type AssetSort, type AssetStatus, type AssetType, type ListAssetsQuery } from '@genbox/contracts';
import type { LocationQuery, LocationQueryRaw } from 'vue-router';

/** What the board shows of a box: the server filters and sorts; the URL holds it so it can be shared. */
export interface AssetView {
  q?: string;
  status?: AssetStatus[];
  type?: AssetType;
  model_id?: string;
  created_by?: string;
  from?: string;
  to?: string;
  sort: AssetSort;
}

export const DEFAULT_VIEW: AssetView = { sort: 'newest' };

const one = (v: LocationQuery[string]) => (Array.isArray(v) ? v[0] : v) ?? undefined;

/** The view a URL names; unknown values are dropped rather than sent to be refused. */
export function viewFromQuery(query: LocationQuery): AssetView {
  const status = (one(query.status) ?? '').split(',').filter((s): s is AssetStatus => (ASSET_STATUSES as readonly string[]).includes(s));
  const type = one(query.type);
  const view: AssetView = { sort: one(query.sort) === 'oldest' ? 'oldest' : 'newest' };
  if (one(query.q)?.trim()) view.q = one(query.q)!.trim();
  if (status.length) view.status = status;
  if (type && (ASSET_TYPES as readonly string[]).includes(type)) view.type = type as AssetType;
  for (const k of ['model_id', 'created_by', 'from', 'to'] as const) if (one(query[k])) view[k] = one(query[k])!;
  return view;
}

/** The URL query for a view; the default sort stays out of it. */
export function viewToQuery(view: AssetView): LocationQueryRaw {
  const q: LocationQueryRaw = {};
  if (view.q) q.q = view.q;
  if (view.status?.length) q.status = view.status.join(',');
  if (view.type) q.type = view.type;
  if (view.model_id) q.model_id = view.model_id;
  if (view.created_by) q.created_by = view.created_by;
  if (view.from) q.from = view.from;
  if (view.to) q.to = view.to;
  if (view.sort !== 'newest') q.sort = view.sort;
  return q;
}

export function viewToApi(view: AssetView): ListAssetsQuery {
  return { ...viewToQuery(view), sort: view.sort } as ListAssetsQuery;
}

export const sameView = (a: AssetView, b: AssetView) => JSON.stringify(viewToQuery(a)) === JSON.stringify(viewToQuery(b));
export const isFiltered = (v: AssetView) => Object.keys(viewToQuery({ ...v, sort: 'newest' })).length > 0;

/** Whether a live asset belongs in the view, as the server would have said (the prompt match is its ILIKE). */
export function matchesView(a: AssetDto, v: AssetView): boolean {
  if (v.status?.length && !v.status.includes(a.status)) return false;
  if (v.type && a.type !== v.type) return false;
  if (v.model_id && a.ai_model_id !== v.model_id) return false;
  if (v.created_by && a.created_by?.id !== v.created_by) return false;
  if (v.from && a.created_at < new Date(v.from).toISOString()) return false;
  if (v.to && a.created_at >= new Date(v.to).toISOString()) return false;
  if (v.q && !(a.prompt ?? '').toLowerCase().includes(v.q.toLowerCase())) return false;
  return true;
}

/** Newest first; the id breaks ties so the order never flickers (the server's order too). */
export function compareNewestFirst(a: AssetDto, b: AssetDto): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export const compareFor = (sort: AssetSort) => (sort === 'oldest' ? (a: AssetDto, b: AssetDto) => compareNewestFirst(b, a) : compareNewestFirst);
