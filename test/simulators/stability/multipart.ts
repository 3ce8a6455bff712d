import busboy from 'busboy';
import type { SimRequest } from '../shared/index.js';

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, { bytes: Buffer; filename: string; mimeType: string }>;
}

/** Parses a multipart/form-data request; null when the request is not multipart. */
export function parseMultipart(req: SimRequest): Promise<MultipartBody | null> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('multipart/form-data')) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const out: MultipartBody = { fields: {}, files: {} };
    const bb = busboy({ headers: { 'content-type': type } });
    bb.on('field', (name, value) => (out.fields[name] = value));
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => (out.files[name] = { bytes: Buffer.concat(chunks), filename: info.filename ?? "", mimeType: info.mimeType }));
    });
    bb.on('close', () => resolve(out));
    bb.on('error', reject);
    bb.end(req.rawBody);
  });
}
