import type { Response } from 'express';
import { STORED_FILE_POLICY } from '../common/security-headers.js';
import type { FileVariant } from './file-urls.js';

/** Types a browser may show in place (the upload and result types Genbox accepts); anything else is only ever saved. */
const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'video/mp4': 'mp4', 'video/webm': 'webm', 'video/quicktime': 'mov' };

/**
 * Content-Disposition of a stored file: `inline` for the image and video types above, so <img>
 * and <video> and opening the URL show it; `attachment` when asked to download (?download=1) and
 * for any other type. The name is built here (id and extension), never taken from the upload.
 */
export function fileDisposition(assetId: string, type: string, variant: FileVariant, download: boolean): string {
  const ext = EXTENSIONS[type];
  const name = `genbox-${assetId.slice(0, 8)}${variant === 'thumbnail' ? '-thumbnail' : ''}.${ext ?? 'bin'}`;
  return `${download || !ext ? 'attachment' : 'inline'}; filename="${name}"`;
}

/** The headers of a stored file's bytes: its type, how to present it, and a page policy that lets nothing in it run. */
export function setStoredFileHeaders(res: Response, type: string, disposition: string) {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', disposition);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', STORED_FILE_POLICY);
}
