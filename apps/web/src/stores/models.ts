import type { ModelDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../api/http';

/** localStorage key of the model this browser last generated with. */
export const LAST_MODEL_KEY = 'genbox.lastModelId';

/**
 * The model a generate panel opens with: the one last used here if it is still offered, else the
 * first that starts from text (an image-input model does nothing until an image is picked).
 */
export function pickDefaultModel(items: ModelDto[], lastUsedId: string | null): ModelDto | undefined {
  return items.find((m) => m.id === lastUsedId) ?? items.find((m) => m.input_type === 'TEXT') ?? items[0];
}

function readLastUsed(): string | null {
  try { return localStorage.getItem(LAST_MODEL_KEY); } catch { return null; }
}

export const useModelsStore = defineStore('models', () => {
  const items = ref<ModelDto[]>([]);
  const loaded = ref(false);

  async function load(force = false) {
    if (loaded.value && !force) return;
    items.value = (await api.listModels()).items;
    loaded.value = true;
  }

  const byId = (id: string | null | undefined) => items.value.find((m) => m.id === id);

  const defaultModel = () => pickDefaultModel(items.value, readLastUsed());

  /** Called after a generation starts, so the next panel opens on the same model. */
  function rememberUsed(id: string) {
    try { localStorage.setItem(LAST_MODEL_KEY, id); } catch { /* private mode: nothing to remember */ }
  }

  return { items, loaded, load, byId, defaultModel, rememberUsed };
});
