import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { CreditsDto, GrantCreditsRequest, GrantCreditsResponse } from '@genbox/contracts';
import type { ProviderCost } from '@genbox/providers';
import { UsersRepository, type UserRow } from '../auth/users.repository.js';
import { AppError, notFound } from '../common/app-error.js';
import { RefreshedValue } from '../common/refreshed-value.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { CreditsRepository } from './credits.repository.js';

/** SQLSTATE the hold trigger raises when a balance is short (see the credits migration). */
const SHORT = 'GB402';
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELED']);
const PAGE = 50;

/** Balances, the ledger, admin grants, the 402 when a generation costs more than is left, and the live balance. */
@Injectable()
export class CreditsService implements OnModuleInit {
  private readonly logger = new Logger('Credits');
  constructor(
    private readonly credits: CreditsRepository,
    private readonly users: UsersRepository,
    private readonly realtime: RealtimePublisher,
  ) {}

  /** Models that cost something, read at most every 5 s: a free model's finish costs no query here. */
  private readonly costed = new RefreshedValue(() => this.credits.costedModelIds(), 5000);

  /** A generation that finished or was deleted settled its hold (in the trigger): its creator's header shows the new figures. */
  onModuleInit() {
    this.realtime.tap((e) => {
      if (e.name === 'asset.deleted') void this.credits.releasedTo(e.payload.asset_id).then((u) => (u ? this.push(u) : undefined)).catch(() => undefined);
      if (e.name !== 'asset.updated' || !TERMINAL.has(e.payload.asset.status)) return;
      const { ai_model_id: modelId, created_by: creator } = e.payload.asset;
      if (modelId && creator) void this.costed.get().then((ids) => (ids.has(modelId) ? this.push(creator.id) : undefined)).catch(() => undefined);
    });
  }

  /** The caller's credits, or (admins) another user's named by id or email. */
  async show(caller: UserRow, target: { user_id?: string; email?: string; cursor?: string; limit?: number }): Promise<CreditsDto> {
    let userId = caller.id;
    if (target.user_id || target.email) {
      if (!caller.is_admin) throw new AppError('forbidden', 'Only administrators can see another user\'s credits');
      userId = (await this.findUser(target)).id;
    }
    const limit = target.limit ?? PAGE;
    const [figures, items] = await Promise.all([this.credits.balance(userId), this.credits.ledger(userId, limit, target.cursor)]);
    if (!figures) throw notFound('User');
    return { user_id: userId, ...figures, items, next_cursor: items.length === limit ? items[items.length - 1]!.id : null };
  }

  async grant(admin: UserRow, body: GrantCreditsRequest): Promise<GrantCreditsResponse> {
    const user = await this.findUser(body);
    const entry = await this.credits.grant(user.id, body.amount, admin.id, body.note ?? null);
    if (!entry) {
      const now = await this.credits.balance(user.id);
      throw new AppError('conflict', `amount: ${user.email} has ${now?.balance ?? 0} credits; a balance cannot go below zero`);
    }
    await this.push(user.id);
    return { user_id: user.id, email: user.email, balance: entry.balance_after, entry };
  }

  /**
   * Runs `start` (which queues generations costing `cost` in all), answering 402 with the balance
   * and the cost when the balance is short: checked first for a plain answer, and enforced by the
   * hold trigger inside `start`'s transaction, which rolls the whole request back under a race.
   */
  async charging<T>(userId: string, cost: number, start: () => Promise<T>): Promise<T> {
    if (cost > 0) {
      const figures = await this.credits.balance(userId);
      if (figures && figures.balance < cost) throw short(figures.balance, cost);
    }
    let result: T;
    try {
      result = await start();
    } catch (err) {
      if ((err as { code?: string }).code !== SHORT) throw err;
      throw short((await this.credits.balance(userId))?.balance ?? 0, cost);
    }
    if (cost > 0) await this.push(userId);
    return result;
  }

  /** Keeps what the provider said a finished run cost (analytics); never fails the run it is about. */
  async recordProviderCost(assetId: string, attempt: number, cost: ProviderCost | undefined): Promise<void> {
    if (!cost || !Number.isFinite(cost.amount)) return;
    await this.credits.recordProviderCost(assetId, attempt, cost).catch((err) => this.logger.warn(`provider cost of ${assetId} not recorded: ${(err as Error).message}`));
  }

  private async push(userId: string): Promise<void> {
    const figures = await this.credits.balance(userId).catch(() => null);
    if (figures) this.realtime.creditsChanged({ user_id: userId, ...figures });
  }

  private async findUser(target: { user_id?: string; email?: string }): Promise<UserRow> {
    const user = target.user_id ? await this.users.findById(target.user_id) : target.email ? await this.users.findByEmail(target.email) : null;
    if (!user) throw new AppError('not_found', `No user ${target.user_id ?? target.email}`);
    return user;
  }
}

const short = (balance: number, cost: number) =>
  new AppError('insufficient_credits', `Not enough credits: this costs ${cost} and the balance is ${balance}`, 402, { balance, cost });
