import { validateWithoutEval } from '@genbox/contracts';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { configureHttp } from './api/http';
import { createAppRouter } from './router';
import { useSessionStore } from './stores/session';
import './styles.css';

// the page's policy forbids eval: before anything is validated
validateWithoutEval();

const app = createApp(App);
app.use(createPinia());
const session = useSessionStore();
const router = createAppRouter();

configureHttp({
  getToken: () => session.token,
  onUnauthorized: () => {
    if (!session.token) return;
    session.logout();
    void router.push({ name: 'login', query: { expired: '1' } });
  },
});

app.use(router);
app.mount('#app');
