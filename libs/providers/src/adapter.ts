import type { AssetStatus, AssetType, ModelInputType, ParametersSchema, ProviderKind } from '@genbox/contracts';

/** A provider row as the adapters need it; secrets are already decrypted. */
export interface ProviderConfig {
  id: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  extraHeaders: Record<string, string>;
  webhookSecret: string | null;
  uploadBaseUrl: string | null;
  /** Result and callback URLs on private or loopback addresses are refused unless this is set. */
  allowPrivateNetwork: boolean;
}

/** A model row as the adapters need it. */
export interface ModelConfig {
  id: string;
  name: string;
  slug: string;
  modelType: AssetType;
  inputType: ModelInputType;
  apiEndpoint: string | null;
  /** JSON with `{{variable}}` placeholders (template adapter; native adapters may use it as extra input). */
  requestSchema: unknown;
  /** Where task id, state, results and errors live in the provider's answers (template adapter). */
  responseMapping: unknown;
  parametersSchema: ParametersSchema;
}

/** The parent image of an image-to-video or image-to-image run. */
export interface InputImage {
  /** A URL the provider can fetch (signed S3 URL or signed URL under PUBLIC_URL), or null when none is reachable. */
  url: string | null;
  mimeType: string;
  filename: string;
  sizeBytes: number;
  /** Reads the bytes, for staging through the provider's own upload API or inlining as a data URI. */
  read(): Promise<Buffer>;
}

export interface SubmitRequest {
  /** Genbox asset id, used for idempotency keys and file names. */
  assetId: string;
  provider: ProviderConfig;
  model: ModelConfig;
  prompt: string;
  /** generation_config after validation: defaults applied, fixed values forced. */
  params: Record<string, unknown>;
  input: InputImage | null;
  /** Where the provider should call back for this asset, or null to rely on polling. */
  webhookUrl: string | null;
}

/** A finished output: a URL to download, or bytes the provider returned inline. */
export type ProviderOutput =
  | { url: string; mimeType?: string }
  | { bytes: Buffer; mimeType: string };

export interface ProviderFailure {
  /** Stable code (see ProviderErrorCode). */
  code: string;
  /** Message a person can act on, keeping the provider's own reason. */
  message: string;
}

/** One observation of a task. */
/** What the provider itself says a run cost, in its own unit (Kie credits, Runware USD, Replicate predict seconds). */
export interface ProviderCost { amount: number; unit: string }

export interface PollResult {
  status: AssetStatus;
  /** The provider's own state word, kept for display and debugging. */
  providerState: string;
  progress?: number | null;
  outputs?: ProviderOutput[];
  error?: ProviderFailure;
  /** Where the provider reports it on a finished run: recorded beside the model's cost, for analytics. */
  providerCost?: ProviderCost;
}

export type SubmitResult =
  | { kind: 'finished'; result: PollResult }
  | { kind: 'queued'; taskId: string; result?: PollResult };

export interface IncomingWebhook {
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received: signatures are computed over it. */
  rawBody: Buffer;
  query: Record<string, string | undefined>;
  /** The full URL the provider called (some schemes sign it). */
  url: string;
}

export interface WebhookResult {
  /** The provider's task id the callback is about. */
  taskId: string | null;
  /** A unique id of this delivery, to drop duplicates, when the provider sends one. */
  eventId: string | null;
  /** What the callback says; treat it as a hint and reconcile with a poll when in doubt. */
  result: PollResult | null;
}

export interface AdapterContext {
  fetch: typeof fetch;
  signal: AbortSignal;
  now(): number;
  log(msg: string): void;
  /** Reports progress (0–100) while a long synchronous call runs (used by the local provider). */
  progress?(pct: number): void;
}

/** When to poll next: ms after the previous poll, given the attempt number (0-based) and time since submit. */
export type PollSchedule = (attempt: number, elapsedMs: number) => number;

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  submit(req: SubmitRequest, ctx: AdapterContext): Promise<SubmitResult>;
  poll(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<PollResult>;
  /** Verifies the signature (throws ProviderError 'webhook_signature_invalid') and reads the callback. */
  parseWebhook?(hook: IncomingWebhook, provider: ProviderConfig, model: ModelConfig): WebhookResult;
  cancel?(taskId: string, req: SubmitRequest, ctx: AdapterContext): Promise<void>;
  pollSchedule: PollSchedule;
  /** Overall time after which a task that has not finished is FAILED. */
  timeoutMs: number;
}
