export { ReplicateAdapter, replicateRoute, type ReplicateAdapterOptions } from './replicate.adapter.js';
export { REPLICATE_DEFAULT_BASE_URL, progressFromLogs, readPrediction, verifyStandardWebhook, type Prediction } from './replicate.wire.js';
