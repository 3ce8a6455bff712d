// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { configureHttp } from '../../api/http';
import { createHttpFake } from '../../test/httpFake';
import ModelImportForm from './ModelImportForm.vue';

const providers = [
  { id: 'p-kie', name: 'Kie.ai', kind: 'kie' },
  { id: 'p-rep', name: 'Replicate', kind: 'replicate' },
  { id: 'p-fal', name: 'fal.ai', kind: 'fal' },
];

async function open(answer: (body: { provider_id: string; name: string }) => { status: number; body: unknown }) {
  const sent: unknown[] = [];
  const http = createHttpFake({
    'GET /api/providers': () => ({ status: 200, body: { items: providers } }),
    'POST /api/models/import': (req) => (sent.push(req.body), answer(req.body as { provider_id: string; name: string })),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const wrapper = mount(ModelImportForm);
  await flushPromises();
  return { wrapper, sent };
}

describe('importing a model by name', () => {
  it('offers only Replicate and fal providers, sends the typed name and reports the new row', async () => {
    const { wrapper, sent } = await open((b) => ({ status: 201, body: { id: 'm1', name: 'Veo 3.1 Fast', parameters_schema: { duration: {}, resolution: {} }, skipped: ['reference_images (array)'], provider_id: b.provider_id } }));
    const options = wrapper.findAll('[data-testid="model-import-provider"] option').map((o) => o.text());
    expect(options).toEqual(['Replicate (replicate)', 'fal.ai (fal)']);
    await wrapper.get('[data-testid="model-import-name"]').setValue('google/veo-3.1-fast');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(sent).toEqual([{ provider_id: 'p-rep', name: 'google/veo-3.1-fast' }]);
    expect(wrapper.get('[data-testid="model-import-result"]').text()).toMatch(/Imported Veo 3\.1 Fast \(2 parameters\).*reference_images/);
    expect(wrapper.emitted('imported')?.[0]?.[0]).toMatchObject({ id: 'm1' });
  });

  it("shows the server's reason when the provider has no such model, and creates nothing", async () => {
    const { wrapper } = await open(() => ({ status: 404, body: { statusCode: 404, error: 'not_found', message: 'The provider has no model named "nobody/nothing": check the spelling (owner/name).' } }));
    await wrapper.get('[data-testid="model-import-name"]').setValue('nobody/nothing');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="model-import-error"]').text()).toContain('no model named "nobody/nothing"');
    expect(wrapper.emitted('imported')).toBeUndefined();
  });

  it('asks for a name before sending anything', async () => {
    const { wrapper, sent } = await open(() => ({ status: 500, body: {} }));
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="model-import-error"]').text()).toContain('google/veo-3.1-fast');
    expect(sent).toEqual([]);
  });
});
