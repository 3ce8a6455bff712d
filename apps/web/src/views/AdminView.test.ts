// @vitest-environment happy-dom
import type { ModelAdminDto, ProviderDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureHttp } from '../api/http';
import { describeImport } from '../components/admin/adminText';
import { makeModel } from '../test/fixtures';
import { createHttpFake } from '../test/httpFake';
import AdminView from './AdminView.vue';

const at = '2025-01-01T00:00:00Z';
function provider(over: Partial<ProviderDto>): ProviderDto {
  return { id: 'p', name: 'P', kind: 'template', base_url: null, upload_base_url: null, extra_headers: {}, has_api_key: false, has_webhook_secret: false, max_concurrency: 4, allow_private_network: false, is_active: true, rate_limit: null, created_at: at, updated_at: at, ...over } as ProviderDto;
}
const local = provider({ id: 'p-local', name: 'Local (built-in)', kind: 'local' });
const kie = provider({ id: 'p-kie', name: 'Kie', kind: 'kie', base_url: 'https://api.kie.ai', is_active: false });
const veo: ModelAdminDto = { ...makeModel({ id: 'm-veo', name: 'Veo Fast', provider_id: 'p-kie' }), api_endpoint: null, request_schema: null, response_mapping: null, created_at: at, updated_at: at };

function openAdmin(before: ProviderDto[], after: ProviderDto[]) {
  let providers = before;
  const http = createHttpFake({
    'GET /api/providers': () => ({ status: 200, body: { items: providers } }),
    'GET /api/models': (req) => ({ status: 200, body: { items: req.url.searchParams.get('all') ? (providers.length > 1 ? [veo] : []) : [] } }),
    'POST /api/catalog/import': () => {
      providers = after;
      return { status: 200, body: { providers: { created: 1, updated: 1 }, models: { created: 1, updated: 0 } } };
    },
    'POST /api/admin/queues/session': () => ({ status: 200, body: { url: '/admin/queues' } }),
    'PATCH /api/providers/p-kie': (req) => ({ status: 200, body: { ...kie, has_api_key: true, is_active: (req.body as { is_active: boolean }).is_active } }),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const wrapper = mount(AdminView, { global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] }, attachTo: document.body });
  return { wrapper, http };
}

describe('the admin page', () => {
  afterEach(() => document.body.replaceChildren());

  it('imports the catalog, says what changed, and shows which providers still need a key', async () => {
    const { wrapper, http } = openAdmin([local], [local, kie]);
    await flushPromises();
    expect(wrapper.find('[data-testid="provider-needs-key"]').exists()).toBe(false);
    await wrapper.get('[data-testid="catalog-import"]').trigger('click');
    await flushPromises();
    expect(http.calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/catalog/import')).toBe(true);
    expect(wrapper.get('[data-testid="catalog-import-result"]').text()).toBe(
      'Catalog imported: 2 providers (1 new, 1 updated), 1 model (1 new, 0 updated). New providers stay inactive until you enter their API key.',
    );
    const rows = wrapper.findAll('[data-testid="provider-row"]');
    expect(rows[0]!.text()).toContain('not needed');
    expect(rows[1]!.get('[data-testid="provider-needs-key"]').text()).toBe('needs key');
    expect(wrapper.get('[data-testid="model-provider-inactive"]').text()).toContain('provider inactive');
  });

  it('Queues gets the dashboard cookie, then opens the dashboard', async () => {
    const assign = vi.spyOn(window.location, 'assign').mockImplementation(() => undefined);
    try {
      const { wrapper, http } = openAdmin([local], [local]);
      await flushPromises();
      await wrapper.get('[data-testid="queue-board"]').trigger('click');
      await flushPromises();
      expect(http.calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/admin/queues/session')).toBe(true);
      expect(assign).toHaveBeenCalledWith('/admin/queues');
    } finally {
      assign.mockRestore();
    }
  });

  it('entering the key of a provider that waits for one makes it active', async () => {
    const { wrapper, http } = openAdmin([local, kie], [local, kie]);
    await flushPromises();
    await wrapper.get('[data-testid="provider-enter-key"]').trigger('click');
    expect(wrapper.find('[data-testid="provider-waits-for-key"]').exists()).toBe(true);
    expect((wrapper.get('[data-testid="provider-active"]').element as HTMLInputElement).checked).toBe(false);
    await wrapper.get('[data-testid="provider-api-key"]').setValue('sk-live-123');
    expect((wrapper.get('[data-testid="provider-active"]').element as HTMLInputElement).checked).toBe(true);
    await wrapper.get('[data-testid="provider-form"]').trigger('submit');
    await flushPromises();
    expect(http.calls.find((c) => c.method === 'PATCH')!.body).toMatchObject({ api_key: 'sk-live-123', is_active: true });
    expect(wrapper.find('[data-testid="provider-needs-key"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="provider-row"]')[1]!.text()).not.toContain('inactive');
  });

  it('words an import that changed nothing new without the key reminder', () => {
    expect(describeImport({ providers: { created: 0, updated: 3 }, models: { created: 0, updated: 1 } })).toBe(
      'Catalog imported: 3 providers (0 new, 3 updated), 1 model (0 new, 1 updated).',
    );
  });
});
