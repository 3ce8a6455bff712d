export { importModelByName, IMPORTABLE_KINDS, type ImportedModel } from './import-model.js';
export { parametersFromInputSchema, type DerivedInputs, type InputSchema } from './schema-to-parameters.js';
