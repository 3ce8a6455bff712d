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
}

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
    items.value.push({ key, name: file.name, progress: 0, error: null, done: false });
    if (!ACCEPTED.test(file.type)) {
      patch(key, { error: 'Only images and videos can be uploaded.' });
      return;
    }
    try {
      const asset = await uploadAsset(boxId(), file, { promptText, onProgress: (p) => patch(key, { progress: p }) });
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
    return Promise.all(Array.from(files).map((f) => uploadOne(f, promptText)));
  }

  const busy = () => items.value.some((i) => !i.done && !i.error);

  return { items, start, dismiss, busy };
}
