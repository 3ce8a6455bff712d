import { Injectable } from '@nestjs/common';
import type { BoxDto } from '@genbox/contracts';
import { BoxAccessService } from '../boxes/box-access.service.js';
import { BoxesRepository, toBoxDto } from '../boxes/boxes.repository.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { AssetsRepository } from '../assets/assets.repository.js';
import { GenerationQueue } from './generation.queue.js';

/**
 * Pausing a box's queue: its PENDING generations stay PENDING and are not sent to providers (the
 * submit job sees the flag and stops); resuming enqueues them again in queue order. Generations
 * already at a provider carry on.
 */
@Injectable()
export class BoxQueueService {
  constructor(
    private readonly access: BoxAccessService,
    private readonly boxes: BoxesRepository,
    private readonly realtime: RealtimePublisher,
    private readonly assets: AssetsRepository,
    private readonly queue: GenerationQueue,
  ) {}

  async setPaused(userId: string, boxId: string, paused: boolean): Promise<BoxDto> {
    const role = await this.access.require(boxId, userId, 'editor');
    const changed = await this.boxes.setPaused(boxId, paused);
    if (!changed) return toBoxDto((await this.boxes.find(boxId))!, role); // already so: no event
    const { role: _role, ...wire } = toBoxDto(changed.box, role);
    this.realtime.boxUpdated(wire, changed.seq);
    if (!paused) await this.resume(boxId, changed.seq);
    return toBoxDto(changed.box, role);
  }

  /** Enqueues a resumed box's waiting generations in queue order (priority, then age); `seq` is the resume's event. */
  private async resume(boxId: string, seq: number): Promise<void> {
    for (const a of await this.assets.pendingOfBox(boxId)) await this.queue.submitResumed(a.id, a.attempts, seq, a.priority);
  }
}
