export { RunwareAdapter, RUNWARE_DEFAULT_BASE_URL } from './runware.adapter.js';
export { readRunwareTask, runwareFailure, type RunwareAnswer, type RunwareItem, type RunwareErrorItem } from './runware.wire.js';
