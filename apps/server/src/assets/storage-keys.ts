import { randomBytes } from 'node:crypto';

/**
 * Where one stored version of an asset's bytes lives. Each write gets its own key: two workers
 * finishing the same asset at once (a webhook-triggered poll racing the scheduled one) each
 * store their own copy, the guarded transition picks one, and the loser deletes only its own.
 * Keys already stored (`boxes/<box>/<asset>/<version>`) stay as they are: the row names them.
 */
export function storageKeys(boxId: string, assetId: string) {
  const version = randomBytes(6).toString('base64url');
  // beside the box's other files rather than in a folder per asset: local storage then makes no
  // directory (and no sidecar directory) per generation, only one per box
  return { file: `boxes/${boxId}/${assetId}.${version}`, thumbnail: `boxes/${boxId}/${assetId}.${version}.thumb.webp` };
}
