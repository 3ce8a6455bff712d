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
  .meta({
    id: 'Box',
    examples: [{ id: '9b2e4f10-6c3d-4a8b-8e1f-0d2c3b4a5f67', name: 'Launch teaser', owner_id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', role: 'owner', seq: 42, paused: false, created_at: '2026-12-01T16:02:11.000Z', updated_at: '2026-12-02T09:14:21.504Z' }],
  });
export type BoxDto = z.infer<typeof BoxDto>;

/**
 * A member as others see them: a name for the list and the avatar's initials. The email address is
 * only for the box's owners (they invite and manage people); viewers and editors, and every socket
 * or SSE event, get none.
 */
export const MemberDto = z
  .strictObject({
    user_id: z.string(),
    email: z.string().optional().describe("Only in answers to the box's owners"),
    display_name: z.string(),
    role: z.enum(BOX_ROLES),
  })
  .meta({ id: 'Member' });
export type MemberDto = z.infer<typeof MemberDto>;

/**
 * An invitation for an email that has no account yet: it becomes a membership when someone
 * registers (or logs in) with that email. Only owners see invitations.
 */
export const InvitationDto = z
  .strictObject({
    id: z.string(),
    email: z.string(),
    role: z.enum(BOX_ROLES),
    invited_by: z.string().nullable().describe('The user id of the owner who invited'),
    created_at: Timestamp,
  })
  .meta({ id: 'Invitation' });
export type InvitationDto = z.infer<typeof InvitationDto>;

/** `POST /api/boxes/:id/members`: the new member when the email has an account, otherwise the pending invitation. */
export const AddMemberResponse = z.union([MemberDto, InvitationDto]);
export type AddMemberResponse = z.infer<typeof AddMemberResponse>;

const Name = z.string().trim().min(1, 'is required').max(120);
export const CreateBoxRequest = z.object({ name: Name }).meta({ examples: [{ name: 'Launch teaser' }] });
export type CreateBoxRequest = z.input<typeof CreateBoxRequest>;
export const UpdateBoxRequest = z.object({ name: Name });
export type UpdateBoxRequest = z.input<typeof UpdateBoxRequest>;
export const AddMemberRequest = z
  .object({ email: z.string().trim().toLowerCase().email('must be an email address').max(254), role: z.enum(BOX_ROLES).default('editor') })
  .meta({ examples: [{ email: 'grace@example.com', role: 'editor' }] });
export type AddMemberRequest = z.input<typeof AddMemberRequest>;
export const UpdateMemberRequest = z.object({ role: z.enum(BOX_ROLES) });
export type UpdateMemberRequest = z.input<typeof UpdateMemberRequest>;
