export { GenboxClient, pathFor, toQueryString, type BoxStreamEvent, type ClientOptions } from './client.js';
export { ApiError, NETWORK_ERROR, toErrorBody } from './errors.js';
export { readEventStream, type ServerSentEvent } from './sse.js';
export type { BareRoute, CallInput, CallResult, PathParams } from './types.js';
