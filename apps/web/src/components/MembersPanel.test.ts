// @vitest-environment happy-dom
import type { InvitationDto, MemberDto } from '@genbox/contracts';
import { createTestingPinia } from '@pinia/testing';
import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { configureHttp } from '../api/http';
import { createHttpFake } from '../test/httpFake';
import MembersPanel from './MembersPanel.vue';

// what the server answers: emails only when the caller owns the box
const asOwner: MemberDto[] = [
  { user_id: 'u-own', email: 'ada@x.test', display_name: 'Ada Lovelace', role: 'owner' },
  { user_id: 'u-view', email: 'grace@x.test', display_name: 'Grace Hopper', role: 'viewer' },
];
const asViewer: MemberDto[] = asOwner.map(({ email: _email, ...m }) => m);
const pendingInvite: InvitationDto = { id: 'inv-1', email: 'newcomer@x.test', role: 'editor', invited_by: 'u-own', created_at: '2025-01-01T00:00:00Z' };

async function panel(isOwner: boolean, routes: Parameters<typeof createHttpFake>[0] = {}) {
  const http = createHttpFake({
    'GET /api/boxes/box-1/members': () => ({ status: 200, body: { items: isOwner ? asOwner : asViewer } }),
    ...routes,
  });
  configureHttp({ fetch: http.fetch, getToken: () => 'tok' });
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  const w = mount(MembersPanel, { props: { boxId: 'box-1', isOwner, meId: isOwner ? 'u-own' : 'u-view' }, global: { plugins: [pinia] } });
  const { useBoxesStore } = await import('../stores/boxes');
  await useBoxesStore().loadMembers('box-1');
  await flushPromises();
  return { w, http };
}

describe('the members panel', () => {
  it('a viewer sees everyone by name and avatar, with no email addresses and no invitations', async () => {
    const { w, http } = await panel(false);
    expect(w.findAll('[data-testid="member-row"] .name').map((n) => n.text())).toEqual(['Ada Lovelace', 'Grace Hopper (you)']);
    expect(w.findAll('[data-testid="member-row"] .avatar').map((a) => a.text())).toEqual(['AL', 'GH']);
    expect(w.find('[data-testid="member-email"]').exists()).toBe(false);
    expect(w.text()).not.toContain('@');
    expect(http.calls.map((c) => c.url.pathname)).not.toContain('/api/boxes/box-1/invitations');
  });

  it('an owner sees emails and pending invitations, and an unknown email becomes one', async () => {
    const invitations = [pendingInvite];
    const { w } = await panel(true, {
      'GET /api/boxes/box-1/invitations': () => ({ status: 200, body: { items: invitations } }),
      'POST /api/boxes/box-1/members': (req) => ({ status: 201, body: { ...pendingInvite, id: 'inv-2', email: (req.body as { email: string }).email } }),
      'DELETE /api/boxes/box-1/invitations/inv-1': () => ({ status: 204 }),
    });
    expect(w.findAll('[data-testid="member-email"]').map((e) => e.text())).toEqual(['ada@x.test', 'grace@x.test']);
    expect(w.findAll('[data-testid="invitation-row"]').map((r) => r.text())).toEqual([expect.stringContaining('newcomer@x.test')]);

    await w.get('[data-testid="member-invite-email"]').setValue('stranger@x.test');
    await w.get('form.invite').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid="member-invite-note"]').text()).toContain('stranger@x.test is invited');
    expect(w.find('[data-testid="member-invite-error"]').exists()).toBe(false);
    expect(w.findAll('[data-testid="invitation-row"]')).toHaveLength(2);

    await w.findAll('[data-testid="invitation-cancel"]')[0]!.trigger('click');
    await flushPromises();
    expect(w.findAll('[data-testid="invitation-row"]').map((r) => r.text())).toEqual([expect.stringContaining('stranger@x.test')]);
  });
});
