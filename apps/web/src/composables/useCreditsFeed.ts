import type { CreditsChangedEvent } from '@genbox/contracts';
import { onScopeDispose, ref } from 'vue';
import { getSocket } from '../api/socket';
import { useSessionStore } from '../stores/session';

/**
 * Keeps the signed-in user's credits live: the server tells the user's own sockets
 * (`credits.changed`) whenever a generation holds or gives back credits, or an admin grants some.
 * The balance lives on the session's user (it came with /auth/me); `held` is what running
 * generations hold, known from the first event on.
 */
export function useCreditsFeed() {
  const session = useSessionStore();
  const held = ref<number | null>(null);
  const socket = getSocket(session.token ?? '');
  const onCredits = (e: CreditsChangedEvent) => {
    if (!session.user || e.user_id !== session.user.id) return;
    session.user.credits = e.balance;
    held.value = e.held;
  };
  socket.on('credits.changed', onCredits);
  onScopeDispose(() => socket.off('credits.changed', onCredits));
  return { held };
}
