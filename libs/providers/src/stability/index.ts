export { StabilityAdapter, STABILITY_DEFAULT_BASE_URL } from './stability.adapter.js';
export { readStabilityResult, fitForImageToVideo } from './stability.wire.js';
