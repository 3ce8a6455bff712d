import type { GenboxClient } from '@genbox/client';
import type { Output } from './output.js';

export interface Flags {
  json?: boolean;
  box?: string;
  model?: string;
  prompt?: string;
  param?: string[];
  image?: string;
  count?: string;
  wait?: boolean;
  out?: string;
  name?: string;
  kind?: string;
  'base-url'?: string;
  key?: string;
  inactive?: boolean;
  'allow-private-network'?: boolean;
  provider?: string;
  email?: string;
  password?: string;
  'user-id'?: string;
  amount?: string;
  note?: string;
  scopes?: string;
  'box-ids'?: string;
  'expires-in-days'?: string;
  all?: boolean;
  timeout?: string;
}

/** What every command gets: the typed client, the output, its positional arguments and the flags. */
export interface Ctx {
  client: GenboxClient;
  out: Output;
  args: string[];
  flags: Flags;
  env: NodeJS.ProcessEnv;
  url: string;
}
