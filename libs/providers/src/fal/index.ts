export { FalAdapter, FAL_DEFAULT_QUEUE_URL, FAL_DEFAULT_STORAGE_URL, falAppPath } from './fal.adapter.js';
export { FAL_JWKS_URL, FAL_WEBHOOK_TOLERANCE_MS, falPublicKeys, verifyFalWebhook } from './fal.signature.js';
export { falOutputs, readFalOutput, readFalWebhook, type FalStatus, type FalWebhookBody } from './fal.wire.js';
