import type { BoxRole } from './status.js';

export interface BoxDto {
  id: string;
  name: string;
  owner_id: string;
  /** The caller's role in this box. */
  role: BoxRole;
  /** Last event sequence number of the box: a client compares it with the seq of events it gets. */
  seq: number;
  /** While paused, the box's waiting generations stay PENDING; resuming submits them (priority, then age). */
  paused: boolean;
  created_at: string;
  updated_at: string;
}

export interface MemberDto {
  user_id: string;
  email: string;
  display_name: string;
  role: BoxRole;
}

export interface CreateBoxRequest { name: string }
export interface UpdateBoxRequest { name?: string }
export interface AddMemberRequest { email: string; role: Exclude<BoxRole, 'owner'> | BoxRole }
export interface UpdateMemberRequest { role: BoxRole }
