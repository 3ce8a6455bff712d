import { Injectable } from '@nestjs/common';
import type { StoryboardDto } from '@genbox/contracts';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { toStoryboardDto } from './storyboard.mapper.js';
import { StoryboardsRepository } from './storyboards.repository.js';

/** Turns a committed storyboard change (and its seq) into `storyboard.updated`, with the storyboard as REST shows it. */
@Injectable()
export class StoryboardNotifier {
  constructor(private readonly repo: StoryboardsRepository, private readonly realtime: RealtimePublisher) {}

  /** Reads the storyboard after the change and sends it; answers it (null when it is gone). */
  async updated(id: string, seq: number): Promise<StoryboardDto | null> {
    const found = await this.repo.find(id);
    if (!found) return null;
    const dto = toStoryboardDto(found);
    this.realtime.storyboardUpdated(dto, seq);
    return dto;
  }
}
