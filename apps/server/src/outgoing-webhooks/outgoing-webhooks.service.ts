import { Inject, Injectable } from '@nestjs/common';
import type { CreateWebhookRequest, UpdateWebhookRequest, WebhookDeliveryDto, WebhookEndpointCreatedDto, WebhookEndpointDto } from '@genbox/contracts';
import { WEBHOOK_EVENT_TYPES } from '@genbox/contracts';
import type { UserRow } from '../auth/users.repository.js';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { isUuid } from '../common/is-uuid.js';
import type { SecretBox } from '../providers/secret-box.js';
import { SECRET_BOX } from '../providers/secret-box.js';
import { AppError } from '../common/app-error.js';
import { WebhookDeliveriesRepository, toDeliveryDto } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { type EndpointRow, WebhookEndpointsRepository, toEndpointDto } from './webhook-endpoints.repository.js';
import { targetProblem } from './webhook.sender.js';
import { newWebhookSecret } from './webhook-signature.js';

/** Deliveries listed per endpoint, newest first. */
const RECENT = 50;

/** A box owner's webhook endpoints: register (secret shown once), change, remove, deliveries, re-send. */
@Injectable()
export class OutgoingWebhooksService {
  constructor(
    private readonly access: BoxAccessService,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly dispatcher: WebhookDispatcher,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async list(user: UserRow, boxId: string): Promise<WebhookEndpointDto[]> {
    await this.access.require(boxId, user.id, 'owner');
    return (await this.endpoints.listOfBox(boxId)).map(toEndpointDto);
  }

  async create(user: UserRow, boxId: string, body: CreateWebhookRequest): Promise<WebhookEndpointCreatedDto> {
    await this.access.require(boxId, user.id, 'owner');
    const allowPrivate = this.privateAllowance(user, body.allow_private_network) ?? false;
    checkTarget(body.url, allowPrivate);
    const secret = newWebhookSecret();
    const row = await this.endpoints.insert({
      boxId, url: body.url, secretEncrypted: this.secrets.seal(secret), events: body.events ?? [...WEBHOOK_EVENT_TYPES],
      description: body.description ?? null, allowPrivateNetwork: allowPrivate, createdBy: user.id,
    });
    this.dispatcher.endpointsChanged();
    return { ...toEndpointDto(row), secret };
  }

  async get(user: UserRow, boxId: string, endpointId: string): Promise<WebhookEndpointDto> {
    return toEndpointDto(await this.owned(user, boxId, endpointId));
  }

  async update(user: UserRow, boxId: string, endpointId: string, body: UpdateWebhookRequest): Promise<WebhookEndpointDto> {
    const current = await this.owned(user, boxId, endpointId);
    const allowPrivate = this.privateAllowance(user, body.allow_private_network) ?? current.allow_private_network;
    checkTarget(body.url ?? current.url, allowPrivate);
    const row = await this.endpoints.update(endpointId, { ...body, allow_private_network: allowPrivate });
    this.dispatcher.endpointsChanged();
    if (!row) throw new AppError('not_found', 'Webhook endpoint not found');
    return toEndpointDto(row);
  }

  async remove(user: UserRow, boxId: string, endpointId: string): Promise<void> {
    await this.owned(user, boxId, endpointId);
    await this.endpoints.delete(endpointId);
    this.dispatcher.endpointsChanged();
  }

  async recentDeliveries(user: UserRow, boxId: string, endpointId: string): Promise<WebhookDeliveryDto[]> {
    await this.owned(user, boxId, endpointId);
    return (await this.deliveries.recent(endpointId, RECENT)).map(toDeliveryDto);
  }

  /** Sends the event again under its own id (receivers dedupe on webhook-id), with a fresh series of tries. */
  async resend(user: UserRow, boxId: string, endpointId: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.owned(user, boxId, endpointId);
    const found = isUuid(deliveryId) ? await this.deliveries.find(deliveryId) : null;
    if (!found || found.endpoint_id !== endpointId) throw new AppError('not_found', 'Delivery not found');
    if (!endpoint.is_active) throw new AppError('conflict', 'The endpoint is turned off: turn it back on (PATCH {is_active: true}) before re-sending');
    if (found.status === 'pending') throw new AppError('conflict', 'This delivery is already due: it is being tried');
    const row = (await this.deliveries.markPending(deliveryId))!;
    await this.dispatcher.enqueue(deliveryId, `${deliveryId}:resend:${Date.now()}`);
    return toDeliveryDto(row);
  }

  private async owned(user: UserRow, boxId: string, endpointId: string): Promise<EndpointRow> {
    await this.access.require(boxId, user.id, 'owner');
    const row = isUuid(endpointId) ? await this.endpoints.find(endpointId) : null;
    if (!row || row.box_id !== boxId) throw new AppError('not_found', 'Webhook endpoint not found');
    return row;
  }

  /** Only an admin may let an endpoint reach private networks, as for providers. */
  private privateAllowance(user: UserRow, wanted: boolean | undefined): boolean | undefined {
    if (wanted && !user.is_admin) throw new AppError('forbidden', 'allow_private_network: only administrators can let an endpoint call private or loopback addresses');
    return wanted;
  }
}

function checkTarget(url: string, allowPrivate: boolean): void {
  const problem = targetProblem(new URL(url), allowPrivate);
  if (problem) throw new AppError('validation_failed', `url: ${problem}`);
}
