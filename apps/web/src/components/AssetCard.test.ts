// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { failureOf } from '@genbox/contracts';
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

  it('a failed card says what to do and who can fix it; Retry only where it can help; the provider\'s words only to admins', async () => {
    const misconfigured = { ...generating, status: 'FAILED' as const, progress: null, error_code: 'template_invalid', error_message: 'needs api_endpoint "owner/name" (got "")', failure: failureOf('FAILED', 'template_invalid') };
    const w = mount(AssetCard, { props: { asset: misconfigured, canEdit: true } });
    expect(w.get('[data-testid="asset-error"]').text()).toBe('This model is misconfigured — ask an admin.');
    expect(w.html()).not.toContain('api_endpoint');
    expect(w.find('[data-testid="asset-retry"]').exists()).toBe(false);
    expect(w.find('[data-testid="asset-progress"]').exists()).toBe(false);
    // where the picture would be, in words too (a narrow card's status chip is only a dot)
    expect(w.get('[data-testid="asset-ended"]').text()).toBe('!Failed');
    const canceled = mount(AssetCard, { props: { asset: { ...generating, status: 'CANCELED' as const, progress: null }, canEdit: true } });
    expect(canceled.get('[data-testid="asset-ended"]').text()).toBe('×Canceled');
    const admin = mount(AssetCard, { props: { asset: misconfigured, canEdit: true, isAdmin: true } });
    expect(admin.get('[data-testid="asset-error"]').attributes('title')).toContain('api_endpoint');

    const flaky = { ...misconfigured, error_code: 'provider_unavailable', error_message: 'HTTP 503', failure: failureOf('FAILED', 'provider_unavailable') };
    const f = mount(AssetCard, { props: { asset: flaky, canEdit: true } });
    expect(f.get('[data-testid="asset-error"]').text()).toContain('Retry in a moment');
    await f.get('[data-testid="asset-retry"]').trigger('click');
    expect(f.emitted('retry')?.[0]).toEqual([flaky]);
  });

  it('a finished video shows its poster at its own aspect ratio and plays muted on hover, without native controls', async () => {
    const done = { ...generating, status: 'COMPLETED' as const, progress: null, file_url: 'https://f.test/v.mp4', thumbnail_url: 'https://f.test/v.jpg', width: 1280, height: 720 };
    const w = mount(AssetCard, { props: { asset: done, canEdit: false, mediaHeight: 180 } });
    expect(w.get('img').attributes('src')).toBe('https://f.test/v.jpg');
    expect(w.get('[data-testid="asset-open"]').attributes('style')).toContain('height: 180px');
    expect(w.find('video').exists()).toBe(false);
    await w.get('[data-testid="asset-open"]').trigger('mouseenter');
    const video = w.get('video');
    expect(video.attributes('src')).toBe('https://f.test/v.mp4');
    expect(video.attributes()).not.toHaveProperty('controls');
    expect(video.attributes()).toHaveProperty('muted');
    expect(mount(AssetCard, { props: { asset: { ...done, duration_s: 4.04 }, canEdit: false } }).get('[data-testid="asset-duration"]').text()).toBe('4 s');
    expect(mount(AssetCard, { props: { asset: { ...done, duration_s: 65 }, canEdit: false } }).get('[data-testid="asset-duration"]').text()).toBe('1:05');
    // the run's length, queued to finished
    const timed = { ...done, created_at: '2025-01-01T10:00:00.000Z', completed_at: '2025-01-01T10:00:42.000Z' };
    expect(mount(AssetCard, { props: { asset: timed, canEdit: false } }).get('[data-testid="asset-run"]').text()).toBe('42 s');
  });

  it('a viewer can open the asset and pick it for a zip download, but sees no action', async () => {
    const w = mount(AssetCard, { props: { asset: generating, canEdit: false } });
    expect(w.findAll('button').map((b) => b.attributes('data-testid'))).toEqual(['asset-open']);
    // the one input is the selection checkbox (a viewer downloads picked cards as a zip)
    expect(w.findAll('input').map((i) => i.attributes('data-testid'))).toEqual(['asset-select']);
    await w.get('[data-testid="asset-open"]').trigger('click');
    expect(w.emitted('open')?.[0]).toEqual([generating]);
  });
});
