// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { makeAsset } from '../test/fixtures';
import AssetCard from './AssetCard.vue';

const generating = makeAsset({
  status: 'PROCESSING',
  source_type: 'GENERATED',
  type: 'VIDEO',
  progress: 40,
  provider_state: 'generating',
  prompt: 'A fox running through snow',
  ai_model_id: 'm1',
  ai_model: { id: 'm1', name: 'Veo Fast', slug: 'veo-fast' },
  file_url: null,
  thumbnail_url: null,
});

describe('asset card', () => {
  it('shows status, prompt, model, author and progress of a running generation', () => {
    const w = mount(AssetCard, { props: { asset: generating, canEdit: true } });
    expect(w.attributes('data-asset-id')).toBe(generating.id);
    expect(w.attributes('data-status')).toBe('PROCESSING');
    expect(w.get('[data-testid="asset-status"]').text()).toBe('PROCESSING');
    expect(w.get('[data-testid="asset-prompt"]').text()).toBe('A fox running through snow');
    expect(w.get('[data-testid="asset-model"]').text()).toBe('Veo Fast');
    expect(w.get('[data-testid="asset-author"]').text()).toBe('Ada Lovelace');
    expect(w.get('[data-testid="asset-progress"] > div').attributes('style')).toContain('width: 40%');
    // the provider's own word for where it is
    expect(w.get('[data-testid="asset-provider-state"]').text()).toBe('generating');
    expect(w.find('[data-testid="asset-cancel"]').exists()).toBe(true);
    expect(w.find('[data-testid="asset-retry"]').exists()).toBe(false);
  });

  it("shows the provider's reason when a generation failed, and offers retry", async () => {
    const failed = { ...generating, status: 'FAILED' as const, progress: null, error_message: 'Your prompt was flagged by the content filter' };
    const w = mount(AssetCard, { props: { asset: failed, canEdit: true } });
    expect(w.get('[data-testid="asset-error"]').text()).toBe('Your prompt was flagged by the content filter');
    expect(w.find('[data-testid="asset-progress"]').exists()).toBe(false);
    await w.get('[data-testid="asset-retry"]').trigger('click');
    expect(w.emitted('retry')?.[0]).toEqual([failed]);
  });

  it('plays a finished video with its poster', () => {
    const done = { ...generating, status: 'COMPLETED' as const, progress: null, file_url: 'https://f.test/v.mp4', thumbnail_url: 'https://f.test/v.jpg' };
    const video = mount(AssetCard, { props: { asset: done, canEdit: false } }).get('video');
    expect(video.attributes('src')).toBe('https://f.test/v.mp4');
    expect(video.attributes('poster')).toBe('https://f.test/v.jpg');
    expect(video.attributes()).toHaveProperty('controls');
    expect(mount(AssetCard, { props: { asset: { ...done, duration_s: 4.04 }, canEdit: false } }).get('[data-testid="asset-duration"]').text()).toBe('4 s');
    expect(mount(AssetCard, { props: { asset: { ...done, duration_s: 65 }, canEdit: false } }).get('[data-testid="asset-duration"]').text()).toBe('1:05');
  });

  it('a viewer sees no actions', () => {
    const w = mount(AssetCard, { props: { asset: generating, canEdit: false } });
    expect(w.findAll('button')).toHaveLength(0);
  });
});
