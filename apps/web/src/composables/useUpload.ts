import { ref } from 'vue';
import { errorMessage } from '../api/http';
import { resumableAfter, resumableUpload } from '../api/resumableUpload';
import { useAssetsStore } from '../stores/assets';

export interface UploadItem {
  key: number;
  name: string;
  /** 0–1 */
  progress: number;
  error: string | null;
  done: boolean;
  /** Bytes of the file. */
  size: number;
  /** Measured while it sends; null until there is something to measure. */
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** The connection dropped: it waits, then resumes where the server's copy ends. */
  reconnecting: boolean;
  /** It gave up waiting for the link (or the server): Resume continues it where the server's copy ends. */
  canResume: boolean;
}

/** "1.2 MB/s", "340 kB/s" */
export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1e6 ? `${(bytesPerSecond / 1e6).toFixed(1)} MB/s` : `${Math.max(1, Math.round(bytesPerSecond / 1e3))} kB/s`;
}

/** Files sent at once: more only split the same bandwidth, and the rest wait their turn in order. */
const PARALLEL = 3;

const ACCEPTED = /^(image|video)\//;
/** How long a finished upload stays listed, in ms. */
const LINGER_MS = 1500;

/** Uploads files into a box, resumable (tus), with a progress bar, speed and time left per file. */
export function useUpload(boxId: () => string) {
  const assets = useAssetsStore();
  const items = ref<UploadItem[]>([]);
  let nextKey = 1;
  /** What Resume needs of an upload that stopped: the file and the server's upload URL. */
  const stopped = new Map<number, { file: File; promptText?: string; url: string }>();

  function patch(key: number, change: Partial<UploadItem>) {
    const item = items.value.find((i) => i.key === key);
    if (item) Object.assign(item, change);
  }

  function dismiss(key: number) {
    stopped.delete(key);
    items.value = items.value.filter((i) => i.key !== key);
  }

  async function uploadOne(file: File, promptText?: string) {
    const key = nextKey++;
    items.value.push({ key, name: file.name, progress: 0, error: null, done: false, size: file.size, bytesPerSecond: null, secondsLeft: null, reconnecting: false, canResume: false });
    if (!ACCEPTED.test(file.type)) {
      patch(key, { error: 'Only images and videos can be uploaded.' });
      return;
    }
    await send(key, file, promptText);
  }

  /** Continues an upload that gave up, from what the server has. */
  async function resume(key: number) {
    const s = stopped.get(key);
    if (!s) return;
    stopped.delete(key);
    patch(key, { error: null, canResume: false });
    await send(key, s.file, s.promptText, s.url);
  }

  async function send(key: number, file: File, promptText?: string, resumeUrl?: string) {
    let url = resumeUrl;
    try {
      // speed is measured from the last (re)start: bytes the server already had do not count
      let since = { at: performance.now(), bytes: 0 };
      const onProgress = (sent: number) => {
        if (items.value.find((i) => i.key === key)?.reconnecting) since = { at: performance.now(), bytes: sent };
        const seconds = (performance.now() - since.at) / 1000;
        const rate = seconds > 0.2 ? (sent - since.bytes) / seconds : null;
        patch(key, { progress: file.size ? sent / file.size : 1, reconnecting: false, bytesPerSecond: rate, secondsLeft: rate ? (file.size - sent) / rate : null });
      };
      const asset = await resumableUpload(boxId(), file, {
        promptText, resumeUrl, onProgress, onCreated: (u) => (url = u),
        onRetry: () => patch(key, { reconnecting: true, bytesPerSecond: null, secondsLeft: null }),
      });
      assets.upsert(asset);
      patch(key, { progress: 1, done: true, reconnecting: false });
      setTimeout(() => dismiss(key), LINGER_MS);
    } catch (err) {
      const canResume = !!url && resumableAfter(err);
      if (canResume) stopped.set(key, { file, promptText, url: url! });
      patch(key, { error: errorMessage(err), reconnecting: false, bytesPerSecond: null, secondsLeft: null, canResume });
    }
  }

  /** `caption`, when given, is stored as each file's prompt (multipart `prompt_text`). */
  function start(files: Iterable<File> | ArrayLike<File>, caption?: string) {
    const promptText = caption?.trim() || undefined;
    const queue = Array.from(files);
    return Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) await uploadOne(f, promptText);
    }));
  }

  const busy = () => items.value.some((i) => !i.done && !i.error);

  return { items, start, dismiss, resume, busy };
}
