import type { StoryboardDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../api/http';

/** A box's storyboards, kept live by `storyboard.updated` (applied in seq order by useBoxRoom). */
export const useStoryboardsStore = defineStore('storyboards', () => {
  /** box id → storyboard id → storyboard */
  const byBox = ref<Record<string, Record<string, StoryboardDto>>>({});

  function list(boxId: string): StoryboardDto[] {
    return Object.values(byBox.value[boxId] ?? {}).sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  }

  function get(boxId: string, id: string): StoryboardDto | undefined {
    return byBox.value[boxId]?.[id];
  }

  /** Realtime events arrive in seq order, so they win unconditionally. */
  function put(s: StoryboardDto) {
    (byBox.value[s.box_id] ??= {})[s.id] = s;
  }

  /** Keeps whichever copy is newer: a slow REST answer must not undo a later realtime update. */
  function upsert(s: StoryboardDto) {
    const existing = byBox.value[s.box_id]?.[s.id];
    if (existing && existing.updated_at > s.updated_at) return;
    put(s);
  }

  /**
   * A `storyboard.updated` event. Events carry the member copy of a failure (the sentence, not the
   * provider's words), so an admin's board reads a storyboard that has just failed once over REST,
   * which answers admins with the technical detail too (a reload used to be the only way to see it).
   */
  function applyEvent(s: StoryboardDto, asAdmin: boolean) {
    const before = get(s.box_id, s.id);
    put(s);
    if (asAdmin && s.status === 'FAILED' && before?.status !== 'FAILED') void api.getStoryboard(s.id).then(upsert, () => undefined);
  }

  async function load(boxId: string) {
    const { items } = await api.listStoryboards(boxId);
    byBox.value[boxId] = Object.fromEntries(items.map((s) => [s.id, s]));
  }

  return { byBox, list, get, put, upsert, applyEvent, load };
});
