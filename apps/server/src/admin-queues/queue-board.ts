import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import Bull, { type Queue } from 'bull';
import type { Express, NextFunction, Request, Response } from 'express';

/** Where the queue dashboard lives (outside /api: it is a page with its own small API underneath). */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board on the Express app: every Bull queue of the process with its waiting, active,
 * delayed and failed jobs, retry and remove. `allow` decides who gets in (admins only).
 */
export function mountQueueBoard(app: Express, queues: Queue[], allow: (req: Request, res: Response, next: NextFunction) => void): void {
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullAdapter(q)), serverAdapter: board, options: { uiConfig: { boardTitle: 'Genbox queues' } } });
  app.use(QUEUE_BOARD_PATH, allow, board.getRouter());
}

/** Every Bull queue the Nest app holds (generation, and whatever queues other features register). */
export function bullQueuesOf(app: INestApplication): Queue[] {
  const found = new Set<Queue>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.providers.values()) if (wrapper.instance instanceof Bull) found.add(wrapper.instance as Queue);
  }
  return [...found].sort((a, b) => a.name.localeCompare(b.name));
}
