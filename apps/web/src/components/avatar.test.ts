// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { avatarHue, initialsOf } from './avatar';
import PresenceAvatars from './PresenceAvatars.vue';

describe('avatars', () => {
  it.each([
    ['Bob', 'B'],
    ['Ada Lovelace', 'AL'],
    ['grace brewster hopper', 'GB'],
    ['Bob (you)', 'BY'],
    ['  ', '?'],
    ['(x) Émile', 'XÉ'],
  ])('%j shows %j', (name, initials) => {
    expect(initialsOf(name)).toBe(initials);
  });

  it('shows the person looking as "B" with "Bob (you)" in the tooltip, in the same colour as elsewhere', () => {
    const w = mount(PresenceAvatars, {
      props: { meId: 'u-bob', people: [{ user_id: 'u-bob', display_name: 'Bob' }, { user_id: 'u-ada', display_name: 'Ada Lovelace' }] },
    });
    const [bob, ada] = w.findAll('[data-testid="presence-avatar"] .avatar');
    expect(bob!.text()).toBe('B');
    expect(bob!.attributes('title')).toBe('Bob (you)');
    expect(bob!.attributes('style')).toContain(`hsl(${avatarHue('Bob')} `);
    expect(ada!.text()).toBe('AL');
    expect(ada!.attributes('title')).toBe('Ada Lovelace');
  });
});
