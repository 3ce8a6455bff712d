// @vitest-environment happy-dom
import type { AssetDto, BoxDto, MemberDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { configureHttp } from '../api/http';
import { useSessionStore } from '../stores/session';
import { makeAsset, makeModel } from '../test/fixtures';
import { createHttpFake } from '../test/httpFake';
import { createSocketFake } from '../test/socketFake';
import BoxView from './BoxView.vue';

const fake = vi.hoisted(() => ({ current: null as unknown }));
vi.mock('../api/socket', () => ({ getSocket: () => fake.current, closeSocket: () => {} }));

// as an editor reads them: names and roles, no email addresses (those are for owners)
const me: MemberDto = { user_id: 'u-me', display_name: 'Grace Hopper', role: 'editor' };
const owner: MemberDto = { user_id: 'u-own', display_name: 'Ada Lovelace', role: 'owner' };
const box: BoxDto = { id: 'box-1', name: 'Launch campaign', owner_id: 'u-own', role: 'editor', seq: 3, paused: false, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' };
const pending = makeAsset({ status: 'PENDING', prompt: 'neon city', file_url: null, thumbnail_url: null, source_type: 'GENERATED' });

/** What the server's asset list holds; a test changes it to play what happened while offline. */
let serverAssets: AssetDto[] = [];

async function openBoard() {
  const sock = createSocketFake(() => ({ ok: true, seq: 3, presence: [{ user_id: 'u-me', display_name: 'Grace Hopper', viewing: [] }, { user_id: 'u-own', display_name: 'Ada Lovelace', viewing: [] }] }));
  fake.current = sock.socket;
  const http = createHttpFake({
    'GET /api/boxes/box-1': () => ({ status: 200, body: box }),
    'GET /api/boxes/box-1/assets': () => ({ status: 200, body: { items: serverAssets, next_cursor: null } }),
    'GET /api/boxes/box-1/members': () => ({ status: 200, body: { items: [owner, me] } }),
    'GET /api/models': () => ({ status: 200, body: { items: [makeModel({ id: 'm-1', name: 'Flux Pro' })] } }),
    'POST /api/boxes/box-1/pause': () => ({ status: 200, body: { ...box, paused: true, seq: 4 } }),
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  useSessionStore().user = { id: 'u-me', email: 'me@x.test', display_name: me.display_name, is_admin: false, created_at: '', credits: 0 };
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }, { path: '/boxes/:id', component: BoxView, props: true }] });
  await router.push('/boxes/box-1');
  const wrapper = mount(BoxView, { props: { id: 'box-1' }, global: { plugins: [pinia, router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, sock };
}

describe('the board', () => {
  beforeEach(() => {
    localStorage.clear();
    serverAssets = [pending];
  });
  afterEach(() => document.body.replaceChildren());

  it('shows the assets, members, models and who is looking', async () => {
    const { wrapper, sock } = await openBoard();
    expect(sock.emitted[0]).toEqual({ event: 'box:join', payload: { box_id: 'box-1' } });
    expect(wrapper.get('[data-testid="board-title"]').text()).toBe('Launch campaign');
    expect(wrapper.findAll('[data-testid="asset-card"]').map((c) => c.attributes('data-status'))).toEqual(['PENDING']);
    expect(wrapper.findAll('[data-testid="member-row"]')).toHaveLength(2);
    expect(wrapper.findAll('[data-testid="presence-avatar"]')).toHaveLength(2);
    expect(wrapper.get('[data-testid="generate-model"]').findAll('option').map((o) => o.text())).toEqual(['Flux Pro']);
    // An editor cannot invite: that is for owners.
    expect(wrapper.find('[data-testid="member-invite-email"]').exists()).toBe(false);
  });

  it("an editor pauses the box's queue, and a teammate's resume shows up live", async () => {
    const { wrapper, sock } = await openBoard();
    expect(wrapper.find('[data-testid="box-paused"]').exists()).toBe(false);
    await wrapper.get('[data-testid="box-pause"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="box-paused"]').text()).toBe('Queue paused');
    expect(wrapper.get('[data-testid="box-pause"]').text()).toBe('Resume queue');

    const { role: _role, ...wire } = { ...box, paused: false, seq: 5 };
    sock.push('box.updated', { box_id: 'box-1', seq: 4, box: wire });
    await flushPromises();
    expect(wrapper.find('[data-testid="box-paused"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="box-pause"]').text()).toBe('Pause queue');
  });

  it('a status change from another tab shows up on the card', async () => {
    const { wrapper, sock } = await openBoard();
    sock.push('asset.updated', { box_id: 'box-1', seq: 4, asset: { ...pending, status: 'PROCESSING', progress: 55, updated_at: '2030-01-01T00:00:00Z' } });
    await flushPromises();
    const card = wrapper.get(`[data-asset-id="${pending.id}"]`);
    expect(card.attributes('data-status')).toBe('PROCESSING');
    expect(card.get('[data-testid="asset-progress-label"]').text()).toBe('55%');
  });

  it('says so when the current user is removed, and hides the box content', async () => {
    const { wrapper, sock } = await openBoard();
    sock.push('member.changed', { box_id: 'box-1', seq: 4, user_id: 'u-me', member: null });
    await flushPromises();
    expect(wrapper.find('[data-testid="access-removed"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="generate-submit"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="asset-card"]')).toHaveLength(0);
    expect(sock.emitted.at(-1)).toEqual({ event: 'box:leave', payload: { box_id: 'box-1' } });
  });

  it('says so when the owner deletes the box, and hides the box content', async () => {
    const { wrapper, sock } = await openBoard();
    sock.push('box.deleted', { box_id: 'box-other' });
    await flushPromises();
    expect(wrapper.find('[data-testid="access-removed"]').exists()).toBe(false);
    sock.push('box.deleted', { box_id: 'box-1' });
    await flushPromises();
    expect(wrapper.get('[data-testid="access-removed"]').text()).toContain('This box was deleted');
    expect(wrapper.findAll('[data-testid="asset-card"]')).toHaveLength(0);
    expect(wrapper.find('[data-testid="generate-submit"]').exists()).toBe(false);
  });

  it('after a dropped connection, it rejoins and shows what changed meanwhile', async () => {
    const { wrapper, sock } = await openBoard();
    sock.push('disconnect', 'transport close');
    await flushPromises();
    expect(wrapper.get('[data-testid="board-live"]').text()).toBe('Reconnecting…');
    serverAssets = [{ ...pending, status: 'COMPLETED', file_url: 'https://f.test/a.png', thumbnail_url: 'https://f.test/a.png' }];
    sock.push('connect');
    await flushPromises();
    expect(sock.emitted.filter((e) => e.event === 'box:join')).toHaveLength(2);
    expect(wrapper.get(`[data-asset-id="${pending.id}"]`).attributes('data-status')).toBe('COMPLETED');
    expect(wrapper.get('[data-testid="board-live"]').text()).toBe('Live');
  });

  it('stops listening when the board closes', async () => {
    const { wrapper, sock } = await openBoard();
    expect(sock.listenerCount()).toBeGreaterThan(0);
    wrapper.unmount();
    expect(sock.listenerCount()).toBe(0);
    expect(sock.emitted.at(-1)).toEqual({ event: 'box:leave', payload: { box_id: 'box-1' } });
  });
});
