import { ref } from 'vue';
import { errorMessage, uploadAsset } from '../api/http';
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

/** Uploads files into a box one request each, with a progress bar per file. */
export function useUpload(boxId: () => string) {
  const assets = useAssetsStore();
  const items = ref<UploadItem[]>([]);
  let nextKey = 1;

  function patch(key: number, change: Partial<UploadItem>) {
    const item = items.value.find((i) => i.key === key);
    if (item) Object.assign(item, change);
  }

  function dismiss(key: number) {
    items.value = items.value.filter((i) => i.key !== key);
  }

  async function uploadOne(file: File, promptText?: string) {
    const key = nextKey++;
    items.value.push({ key, name: file.name, progress: 0, error: null, done: false, size: file.size, bytesPerSecond: null, secondsLeft: null });
    if (!ACCEPTED.test(file.type)) {
      patch(key, { error: 'Only images and videos can be uploaded.' });
      return;
    }
    try {
      const started = performance.now();
      const onProgress = (p: number) => {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0.2 ? (p * file.size) / seconds : null;
        patch(key, { progress: p, bytesPerSecond: rate, secondsLeft: rate ? ((1 - p) * file.size) / rate : null });
      };
      const asset = await uploadAsset(boxId(), file, { promptText, onProgress });
      assets.upsert(asset);
      patch(key, { progress: 1, done: true });
      setTimeout(() => dismiss(key), LINGER_MS);
    } catch (err) {
      patch(key, { error: errorMessage(err) });
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

  return { items, start, dismiss, busy };
}
