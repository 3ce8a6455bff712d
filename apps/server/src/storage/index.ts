// What the rest of the server uses from storage; the files behind it are free to move.
export * from './storage.port.js';
export { LocalStorageDriver } from './local.driver.js';
export { S3StorageDriver, type S3StorageConfig } from './s3.driver.js';
export { createStorage, type StorageConfig } from './create-storage.js';
export { sniffMedia, SNIFF_BYTES, type MediaType, type SniffedMedia } from './sniff.js';
export {
  ingestUpload,
  EmptyUploadError,
  UnsupportedMediaTypeError,
  UploadAbortedError,
  UploadTooLargeError,
  type IngestUploadOptions,
  type StoredMedia,
} from './upload-stream.js';
export { downloadToStorage, type DownloadOptions } from './safe-download.js';
export { blockedAddressReason, isBlockedAddress } from '@genbox/providers';
