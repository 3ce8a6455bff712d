// @vitest-environment happy-dom
import type { BoxDto, MemberDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { configureHttp } from '../api/http';
import { useSessionStore } from '../stores/session';
import { createHttpFake } from '../test/httpFake';
import { createSocketFake } from '../test/socketFake';
import BoxesView from './BoxesView.vue';

const fake = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('../api/socket', () => ({ getSocket: () => fake.current, closeSocket: () => {} }));

const ME = 'u-me';
const mine: BoxDto = { id: 'box-1', name: 'Mine', owner_id: ME, role: 'owner', seq: 1, paused: false, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' };
const theirs: BoxDto = { id: 'box-2', name: 'Spring shoot', owner_id: 'u-other', role: 'viewer', seq: 4, paused: false, created_at: '2025-01-02T00:00:00Z', updated_at: '2025-01-02T00:00:00Z' };
const asMember = (role: MemberDto['role']): MemberDto => ({ user_id: ME, email: 'me@x.test', display_name: 'Me', role });

/** Whether the server would let the user see box-2 (they were invited), as a test plays it. */
let invited = false;

async function openList() {
  const sock = createSocketFake(() => ({ ok: true, seq: 0, presence: [] }));
  fake.current = sock.socket;
  const http = createHttpFake({
    'GET /api/boxes': () => ({ status: 200, body: { items: invited ? [theirs, mine] : [mine] } }),
    'GET /api/boxes/box-2': () => (invited ? { status: 200, body: theirs } : { status: 404, body: { statusCode: 404, error: 'not_found', message: 'Box not found' } }),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  useSessionStore().user = { id: ME, email: 'me@x.test', display_name: 'Me', is_admin: false, created_at: '', credits: 0 };
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: BoxesView }, { path: '/boxes/:id', name: 'box', component: { template: '<div />' } }] });
  await router.push('/');
  const wrapper = mount(BoxesView, { global: { plugins: [pinia, router] }, attachTo: document.body });
  await flushPromises();
  const names = () => wrapper.findAll('[data-testid="box-item"]').map((b) => b.text());
  return { wrapper, sock, http, names };
}

describe('the boxes list', () => {
  beforeEach(() => {
    invited = false;
  });
  afterEach(() => document.body.replaceChildren());

  it('shows a box the moment someone invites me, and drops it when I am removed', async () => {
    const { sock, names, wrapper } = await openList();
    expect(names()).toEqual(['Mine']);

    invited = true;
    sock.push('member.changed', { box_id: 'box-2', seq: 5, user_id: ME, member: asMember('viewer') });
    await flushPromises();
    expect(names()).toEqual(['Spring shoot', 'Mine']);
    expect(wrapper.text()).toContain('viewer');

    sock.push('member.changed', { box_id: 'box-2', seq: 6, user_id: ME, member: asMember('editor') });
    await flushPromises();
    expect(wrapper.findAll('.badge').map((b) => b.text())).toEqual(['editor', 'owner']);

    invited = false;
    sock.push('member.changed', { box_id: 'box-2', seq: 7, user_id: ME, member: null });
    await flushPromises();
    expect(names()).toEqual(['Mine']);
  });

  it('drops a box the moment its owner deletes it, and a late invite to it does not bring it back', async () => {
    invited = true;
    const { sock, names } = await openList();
    expect(names()).toEqual(['Spring shoot', 'Mine']);
    invited = false;
    sock.push('box.deleted', { box_id: 'box-2' });
    await flushPromises();
    expect(names()).toEqual(['Mine']);
    sock.push('member.changed', { box_id: 'box-2', seq: 9, user_id: ME, member: asMember('editor') });
    await flushPromises();
    expect(names()).toEqual(['Mine']);
  });

  it('ignores other people\'s membership and events older than one already applied', async () => {
    const { sock, names } = await openList();
    invited = true;
    sock.push('member.changed', { box_id: 'box-2', seq: 5, user_id: 'u-someone-else', member: { ...asMember('editor'), user_id: 'u-someone-else' } });
    await flushPromises();
    expect(names()).toEqual(['Mine']);

    sock.push('member.changed', { box_id: 'box-2', seq: 8, user_id: ME, member: null });
    sock.push('member.changed', { box_id: 'box-2', seq: 7, user_id: ME, member: asMember('viewer') });
    await flushPromises();
    expect(names()).toEqual(['Mine']);
  });

  it('an invite followed at once by a removal leaves no box behind', async () => {
    const { sock, names } = await openList();
    invited = true;
    sock.push('member.changed', { box_id: 'box-2', seq: 5, user_id: ME, member: asMember('viewer') });
    sock.push('member.changed', { box_id: 'box-2', seq: 6, user_id: ME, member: null });
    await flushPromises();
    expect(names()).toEqual(['Mine']);
  });

  it('stops listening when the list is left', async () => {
    const { sock, wrapper } = await openList();
    expect(sock.listenerCount()).toBeGreaterThan(0);
    wrapper.unmount();
    expect(sock.listenerCount()).toBe(0);
  });
});
