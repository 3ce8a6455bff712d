import type { Ctx } from '../context.js';
import { UsageError } from '../output.js';
import { login, tokens } from './auth.js';
import { boxes } from './boxes.js';
import { credits } from './credits.js';
import { generate } from './generate.js';
import { catalog, models } from './models.js';
import { providers } from './providers.js';

type Handler = (ctx: Ctx, sub: string | undefined) => Promise<unknown>;

/** Every REST command, by its first word. `admin` is not here: it runs on the server host (bin/genbox.mjs). */
export const COMMANDS: Record<string, Handler> = {
  login: (ctx) => login(ctx),
  tokens,
  boxes,
  providers,
  models,
  catalog,
  generate: (ctx) => generate(ctx),
  credits,
  admin: () => {
    throw new UsageError('genbox admin runs on the server host: it needs DATABASE_URL (and the built server)');
  },
};
