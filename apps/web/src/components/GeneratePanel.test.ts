// @vitest-environment happy-dom
import type { AssetDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { configureHttp } from '../api/http';
import { LAST_MODEL_KEY } from '../stores/models';
import { makeAsset, makeModel } from '../test/fixtures';
import { createHttpFake } from '../test/httpFake';
import GeneratePanel from './GeneratePanel.vue';

const animate = makeModel({ id: 'm-animate', name: 'Local animate', input_type: 'IMAGE' });
const image = makeModel({ id: 'm-image', name: 'Local image', model_type: 'IMAGE', input_type: 'TEXT' });

async function openPanel(assets: AssetDto[] = []) {
  const http = createHttpFake({
    'GET /api/models': () => ({ status: 200, body: { items: [animate, image] } }),
    'POST /api/boxes/box-1/generate': (req) => ({ status: 202, body: makeAsset({ status: 'PENDING', ai_model_id: (req.body as { ai_model_id: string }).ai_model_id }) }),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  const wrapper = mount(GeneratePanel, { props: { boxId: 'box-1', assets }, global: { plugins: [pinia] } });
  await flushPromises();
  return { wrapper, http };
}

const selectedModel = (w: Awaited<ReturnType<typeof openPanel>>['wrapper']) => (w.get('[data-testid="generate-model"]').element as HTMLSelectElement).value;

describe('the generate panel', () => {
  beforeEach(() => localStorage.clear());

  it('opens on a model that starts from text, so a first Generate works', async () => {
    const { wrapper } = await openPanel();
    expect(selectedModel(wrapper)).toBe('m-image');
    expect(wrapper.find('[data-testid="generate-needs-image"]').exists()).toBe(false);
  });

  it('opens on the model last used in this browser', async () => {
    localStorage.setItem(LAST_MODEL_KEY, 'm-animate');
    const { wrapper } = await openPanel([makeAsset()]);
    expect(selectedModel(wrapper)).toBe('m-animate');
  });

  it('remembers the model a generation started with', async () => {
    const { wrapper, http } = await openPanel();
    await wrapper.get('[data-testid="generate-prompt"]').setValue('a red kite');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(http.calls.at(-1)!.body).toMatchObject({ ai_model_id: 'm-image', prompt: 'a red kite' });
    expect(localStorage.getItem(LAST_MODEL_KEY)).toBe('m-image');
  });

  it('says beside the button that an image-input model needs an image, and sends nothing without one', async () => {
    const { wrapper, http } = await openPanel();
    await wrapper.get('[data-testid="generate-model"]').setValue('m-animate');
    expect(wrapper.get('[data-testid="generate-needs-image"]').text()).toContain('Upload or generate an image first');
    await wrapper.get('[data-testid="generate-prompt"]').setValue('slow push in');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(http.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('asks to pick one of the images when there are some, and goes quiet once one is picked', async () => {
    const parent = makeAsset({ id: 'img-1' });
    const { wrapper, http } = await openPanel([parent]);
    await wrapper.get('[data-testid="generate-model"]').setValue('m-animate');
    expect(wrapper.get('[data-testid="generate-needs-image"]').text()).toContain('pick one above');
    await wrapper.get('[data-testid="generate-parent-option"]').trigger('click');
    expect(wrapper.find('[data-testid="generate-needs-image"]').exists()).toBe(false);
    await wrapper.get('[data-testid="generate-prompt"]').setValue('slow push in');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(http.calls.at(-1)!.body).toMatchObject({ ai_model_id: 'm-animate', parent_asset_id: 'img-1' });
  });
});
