import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useSessionStore } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable signed out (login, register). */
    public?: boolean;
    admin?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  { path: '/register', name: 'register', component: () => import('./views/RegisterView.vue'), meta: { public: true } },
  { path: '/', name: 'boxes', component: () => import('./views/BoxesView.vue') },
  { path: '/boxes/:id', name: 'box', component: () => import('./views/BoxView.vue'), props: true },
  // the same board with an asset's detail drawer open; App keys the view by box, so it stays mounted
  { path: '/boxes/:id/assets/:assetId', name: 'asset', component: () => import('./views/BoxView.vue'), props: true },
  { path: '/boxes/:id/storyboards/:sid?', name: 'storyboards', component: () => import('./views/StoryboardsView.vue'), props: true },
  { path: '/analytics', name: 'analytics', component: () => import('./views/AnalyticsView.vue') },
  { path: '/admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { admin: true } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.restore().catch(() => {});
    if (to.meta.public) return session.isSignedIn ? { name: 'boxes' } : true;
    if (!session.isSignedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
    if (to.meta.admin && !session.isAdmin) return { name: 'boxes' };
    return true;
  });
  return router;
}
