export { LocalAdapter, type LocalAdapterOptions } from './local.adapter.js';
export { LOCAL_MODELS, LOCAL_PROVIDER, type LocalModelSeed } from './models.js';
export { MOTIONS, type Motion } from './motion.js';
export { renderPromptImage } from './render-image.js';
