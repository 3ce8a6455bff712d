export * from './status.js';
export * from './user.js';
export * from './box.js';
export * from './asset.js';
export * from './model.js';
export * from './errors.js';
export * from './realtime.js';
export * from './analytics.js';
