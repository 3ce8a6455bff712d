import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { WEBHOOK_EVENT_TYPES } from '@genbox/contracts';
import { z } from 'zod';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { OutgoingWebhooksService } from './outgoing-webhooks.service.js';

const Url = z.string().trim().max(2000).url('must be a URL');
const Events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, 'pick at least one event type').transform((e) => [...new Set(e)]);
const Description = z.string().trim().max(200);
export const CreateWebhook = z.object({ url: Url, events: Events.optional(), description: Description.optional(), allow_private_network: z.boolean().optional() });
export const UpdateWebhook = z.object({ url: Url.optional(), events: Events.optional(), description: Description.nullable().optional(), allow_private_network: z.boolean().optional(), is_active: z.boolean().optional() });

/** A box's outgoing webhook endpoints (owners only). */
@Controller('boxes/:id/webhooks')
export class OutgoingWebhooksController {
  constructor(private readonly webhooks: OutgoingWebhooksService) {}

  @Get()
  async list(@CurrentUser() u: UserRow, @Param('id') boxId: string) {
    return { items: await this.webhooks.list(u, boxId) };
  }

  @Post()
  create(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Body() body: unknown) {
    return this.webhooks.create(u, boxId, parseInput(CreateWebhook, body));
  }

  @Get(':wid')
  get(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string) {
    return this.webhooks.get(u, boxId, wid);
  }

  @Patch(':wid')
  update(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string, @Body() body: unknown) {
    return this.webhooks.update(u, boxId, wid, parseInput(UpdateWebhook, body));
  }

  @Delete(':wid') @HttpCode(204)
  remove(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string) {
    return this.webhooks.remove(u, boxId, wid);
  }

  @Get(':wid/deliveries')
  async deliveries(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string) {
    return { items: await this.webhooks.recentDeliveries(u, boxId, wid) };
  }

  @Post(':wid/deliveries/:did/resend') @HttpCode(202)
  resend(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string, @Param('did') did: string) {
    return this.webhooks.resend(u, boxId, wid, did);
  }
}
