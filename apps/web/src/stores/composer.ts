import type { AssetDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Settings handed to the generate panel from elsewhere (the detail drawer's Use these settings, Remix, Animate). */
export interface ComposerFill {
  prompt: string;
  modelId: string | null;
  config: Record<string, unknown>;
  parentAssetId: string | null;
  /** Remix: the person edits before running, so the panel takes focus. */
  focus: boolean;
  /** Bumped per fill, so the same settings twice still apply twice. */
  n: number;
}

export const useComposerStore = defineStore('composer', () => {
  const fill = ref<ComposerFill | null>(null);
  let n = 0;

  /** The asset's own prompt, model and parameters (seed included). */
  function useSettingsOf(a: AssetDto, focus = false) {
    fill.value = { prompt: a.prompt ?? '', modelId: a.ai_model_id, config: { ...a.generation_config }, parentAssetId: a.parent_asset_id, focus, n: ++n };
  }

  /** An image as the start of a video: the panel switches to an image-to-video model with it picked. */
  function animate(image: AssetDto, videoModelId: string | null) {
    fill.value = { prompt: image.prompt ?? '', modelId: videoModelId, config: {}, parentAssetId: image.id, focus: true, n: ++n };
  }

  return { fill, useSettingsOf, animate };
});
