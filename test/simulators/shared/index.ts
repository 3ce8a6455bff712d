export * from './server.js';
export * from './files.js';
export * from './script.js';
export * from './context.js';
export * from './rate-window.js';
export * from './json-schema.js';
export * from './write-file.js';
