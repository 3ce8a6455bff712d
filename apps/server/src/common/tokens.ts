/** DI tokens for the things main.ts builds before Nest starts. */
export const CONFIG = Symbol('CONFIG');
export const DATABASE = Symbol('DATABASE');
export const STORAGE = Symbol('STORAGE');
export const SIGNER = Symbol('SIGNER');
export const REDIS = Symbol('REDIS');
