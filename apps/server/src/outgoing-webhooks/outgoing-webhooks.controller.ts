import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CreateWebhookRequest, UpdateWebhookRequest } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { CurrentUser } from '../auth/auth.guard.js';
import { parseInput } from '../common/validate.js';
import { OutgoingWebhooksService } from './outgoing-webhooks.service.js';

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
    return this.webhooks.create(u, boxId, parseInput(CreateWebhookRequest, body));
  }

  @Get(':wid')
  get(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string) {
    return this.webhooks.get(u, boxId, wid);
  }

  @Patch(':wid')
  update(@CurrentUser() u: UserRow, @Param('id') boxId: string, @Param('wid') wid: string, @Body() body: unknown) {
    return this.webhooks.update(u, boxId, wid, parseInput(UpdateWebhookRequest, body));
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
