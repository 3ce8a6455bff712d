export { TemplateAdapter, resolveUrl } from './template.adapter.js';
export { renderTemplate, interpolate, placeholdersOf, type TemplateVars } from './render.js';
export { readPath, readStrings } from './json-path.js';
export { parseMapping, readPollResult, checkEnvelope, type TemplateMapping, type MappedState } from './mapping.js';
export { buildNativeInput, renderExtraInput, renderFullBody } from './native-input.js';
