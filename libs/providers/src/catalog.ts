import { readFileSync } from 'node:fs';
import type { AssetType, ModelInputType, ParametersSchema, ProviderKind } from '@genbox/contracts';

/** A provider row of libs/providers/catalog/catalog.json (no secrets: keys are entered by an admin). */
export interface CatalogProvider {
  /** Referenced by models' `provider`. */
  key: string;
  name: string;
  kind: ProviderKind;
  base_url: string | null;
  upload_base_url: string | null;
}

/** A model row, in the admin API's snake_case shape. */
export interface CatalogModel {
  provider: string;
  name: string;
  slug: string;
  model_type: AssetType;
  input_type: ModelInputType;
  api_endpoint: string | null;
  request_schema: unknown;
  response_mapping: unknown;
  parameters_schema: ParametersSchema;
  cost: number;
  /** The documentation page (or official client file) the row was checked against. */
  source: string;
  /** What the model starts from: text, first_frame, last_frame, reference_image(s). */
  inputs: string[];
  /** The provider's published price, or "unverified". */
  price: string;
  /** Parts of the row no primary source confirmed (e.g. "api_endpoint", "price"). */
  unverified?: string[];
  /** What the parameters_schema cannot express (rules across fields). */
  notes?: string;
}

export interface Catalog {
  providers: CatalogProvider[];
  models: CatalogModel[];
}

// Both src/ and dist/ sit one level below libs/providers, next to catalog/.
const CATALOG_URL = new URL('../catalog/catalog.json', import.meta.url);

/** Reads the catalog: plain data that the server imports and `npm run sim` registers. */
export function loadCatalog(): Catalog {
  const raw = JSON.parse(readFileSync(CATALOG_URL, 'utf8')) as Catalog;
  return { providers: raw.providers, models: raw.models };
}
