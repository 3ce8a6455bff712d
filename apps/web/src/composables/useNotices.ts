import { ref } from 'vue';

export interface Notice { id: number; kind: 'error' | 'info'; text: string }

/** App-wide, so any component can report an API error the person should see. */
const notices = ref<Notice[]>([]);
let nextId = 1;
/** How long a notice stays, in ms. */
const NOTICE_MS = 6000;

export function useNotices() {
  function dismiss(id: number) {
    notices.value = notices.value.filter((n) => n.id !== id);
  }
  function push(kind: Notice['kind'], text: string) {
    const id = nextId++;
    notices.value.push({ id, kind, text });
    setTimeout(() => dismiss(id), NOTICE_MS);
  }
  return { notices, dismiss, error: (text: string) => push('error', text), info: (text: string) => push('info', text) };
}
