import type { AdapterContext, InputImage, ProviderConfig } from '../adapter.js';
import { ProviderError } from '../errors.js';
import { requestJson } from '../http.js';
import { KIE, KIE_DEFAULT_UPLOAD_BASE_URL, checkKieEnvelope } from './kie.wire.js';

/** Above this, the stream upload is used (Kie recommends base64 only up to about 10 MB). */
const BASE64_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Stages an input image on Kie's File Upload API when Genbox has no URL Kie can fetch.
 * Answers the file's downloadUrl (kept by Kie for 3 days).
 */
export async function stageKieFile(input: InputImage, assetId: string, provider: ProviderConfig, ctx: AdapterContext): Promise<string> {
  const base = (provider.uploadBaseUrl ?? KIE_DEFAULT_UPLOAD_BASE_URL).replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${provider.apiKey ?? ''}` };
  const bytes = await input.read();
  const uploadPath = `genbox/${assetId}`;
  const fileName = input.filename || `input-${assetId}`;
  let body: unknown;
  let path: string;
  if (bytes.length <= BASE64_LIMIT_BYTES) {
    path = '/api/file-base64-upload';
    body = { base64Data: `data:${input.mimeType};base64,${bytes.toString('base64')}`, uploadPath, fileName };
  } else {
    path = '/api/file-stream-upload';
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: input.mimeType }), fileName);
    form.append('uploadPath', uploadPath);
    form.append('fileName', fileName);
    body = form;
  }
  const answer = await requestJson<{ code: number; msg?: string; data?: { downloadUrl?: string } }>(ctx, {
    provider: `${KIE} file upload`, url: `${base}${path}`, method: 'POST', headers, body, secrets: [provider.apiKey],
  });
  const data = checkKieEnvelope(answer.body, 'uploading the input image');
  if (!data.downloadUrl) throw new ProviderError('provider_bad_response', `${KIE} stored the input image but sent no downloadUrl; retry later.`);
  return data.downloadUrl;
}
