import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../common/app-error.js';

export interface MultipartResult<T> { file: T; fields: Record<string, string> }

/**
 * Reads a multipart body with one file part named `file`, handing its stream to `onFile` as it
 * arrives (nothing is buffered) and collecting the small text fields, which may come before or
 * after the file.
 */
export function readMultipart<T>(req: IncomingMessage, onFile: (stream: Readable, info: { filename: string; mimeType: string }) => Promise<T>): Promise<MultipartResult<T>> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data'))
    return Promise.reject(new AppError('unsupported_media_type', 'Send the upload as multipart/form-data with the file in a field named "file"'));

  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let filePromise: Promise<T> | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 10_000 } });
    } catch {
      return reject(new AppError('bad_request', 'The multipart body is malformed'));
    }
    const fail = (err: unknown) => reject(err);
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || filePromise) return void stream.resume();
      filePromise = onFile(stream, { filename: info.filename ?? 'upload', mimeType: info.mimeType });
      filePromise.catch(fail);
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('error', () => fail(new AppError('bad_request', 'The multipart body is malformed')));
    parser.on('close', () => {
      if (!filePromise) return reject(new AppError('validation_failed', 'file: is required (a multipart field named "file")'));
      filePromise.then((file) => resolve({ file, fields }), reject);
    });
    // pipeline, not pipe: a client that hangs up mid-upload must end the file stream too
    pipeline(req, parser).catch(() => fail(new AppError('bad_request', 'The upload was interrupted')));
  });
}
