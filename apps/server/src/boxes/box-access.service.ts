import { Injectable } from '@nestjs/common';
import type { BoxRole } from '@genbox/contracts';
import { requireTokenBox } from '../common/access-context.js';
import { AppError } from '../common/app-error.js';
import { isUuid } from '../common/is-uuid.js';
import { BoxesRepository } from './boxes.repository.js';

const RANK: Record<BoxRole, number> = { viewer: 1, editor: 2, owner: 3 };
const NEEDS: Record<BoxRole, string> = { viewer: 'read this box', editor: 'change assets in this box (editors and owners can)', owner: 'manage this box (only owners can)' };

/**
 * Membership checks. An outsider gets 404, as if the box did not exist (no probing of ids);
 * a member whose role is too low gets 403 saying what is needed.
 */
@Injectable()
export class BoxAccessService {
  constructor(private readonly boxes: BoxesRepository) {}

  async require(boxId: string, userId: string, atLeast: BoxRole): Promise<BoxRole> {
    return this.check(isUuid(boxId) ? await this.boxes.roleOf(boxId, userId) : null, atLeast, boxId);
  }

  /**
   * The same check on a role already read (null: not a member). A token limited to other boxes
   * (box_ids) is refused here too, after membership, so an outsider still learns nothing.
   */
  check(role: BoxRole | null, atLeast: BoxRole, boxId: string): BoxRole {
    if (!role) throw new AppError('not_found', 'Box not found');
    requireTokenBox(boxId);
    if (RANK[role] < RANK[atLeast]) throw new AppError('forbidden', `Your role (${role}) cannot ${NEEDS[atLeast]}`);
    return role;
  }
}
