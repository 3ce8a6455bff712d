import type { UserDto } from '@genbox/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as api from '../api/http';
import { closeSocket } from '../api/socket';

const TOKEN_KEY = 'genbox.token';

export const useSessionStore = defineStore('session', () => {
  const token = ref<string | null>(localStorage.getItem(TOKEN_KEY));
  const user = ref<UserDto | null>(null);
  const isSignedIn = computed(() => !!token.value && !!user.value);
  const isAdmin = computed(() => !!user.value?.is_admin);
  let restoring: Promise<void> | null = null;

  function setSession(next: { user: UserDto; token: string }) {
    token.value = next.token;
    user.value = next.user;
    localStorage.setItem(TOKEN_KEY, next.token);
  }

  async function login(email: string, password: string) {
    setSession(await api.login({ email, password }));
  }

  async function register(email: string, password: string, displayName: string) {
    setSession(await api.register({ email, password, display_name: displayName }));
  }

  function logout() {
    token.value = null;
    user.value = null;
    localStorage.removeItem(TOKEN_KEY);
    closeSocket();
  }

  /** Loads the user behind a stored token once; a rejected token ends the session. */
  function restore(): Promise<void> {
    if (user.value || !token.value) return Promise.resolve();
    restoring ??= api.me()
      .then((res) => { user.value = res.user; })
      .catch((err) => { if (err instanceof api.ApiError && err.status === 401) logout(); else throw err; })
      .finally(() => { restoring = null; });
    return restoring;
  }

  return { token, user, isSignedIn, isAdmin, login, register, logout, restore };
});
