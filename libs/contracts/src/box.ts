import { z } from 'zod';
import { BOX_ROLES } from './status.js';
import { Timestamp } from './user.js';

export const BoxDto = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    owner_id: z.string(),
    role: z.enum(BOX_ROLES).describe("The caller's role in this box"),
    seq: z.number().int().describe('Last event sequence number of the box: a client compares it with the seq of events it gets'),
    paused: z.boolean().describe("While paused, the box's waiting generations stay PENDING; resuming submits them (priority, then age)"),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Box' });
export type BoxDto = z.infer<typeof BoxDto>;

export const MemberDto = z
  .strictObject({ user_id: z.string(), email: z.string(), display_name: z.string(), role: z.enum(BOX_ROLES) })
  .meta({ id: 'Member' });
export type MemberDto = z.infer<typeof MemberDto>;

const Name = z.string().trim().min(1, 'is required').max(120);
export const CreateBoxRequest = z.object({ name: Name }).meta({ examples: [{ name: 'Launch teaser' }] });
export type CreateBoxRequest = z.input<typeof CreateBoxRequest>;
export const UpdateBoxRequest = z.object({ name: Name });
export type UpdateBoxRequest = z.input<typeof UpdateBoxRequest>;
export const AddMemberRequest = z
  .object({ email: z.string().trim().email('must be an email address'), role: z.enum(BOX_ROLES).default('editor') })
  .meta({ examples: [{ email: 'grace@example.com', role: 'editor' }] });
export type AddMemberRequest = z.input<typeof AddMemberRequest>;
export const UpdateMemberRequest = z.object({ role: z.enum(BOX_ROLES) });
export type UpdateMemberRequest = z.input<typeof UpdateMemberRequest>;
