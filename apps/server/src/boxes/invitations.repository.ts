import { Inject, Injectable } from '@nestjs/common';
import type { BoxRole, InvitationDto } from '@genbox/contracts';
import { DATABASE } from '../common/tokens.js';
import type { Database } from '../database/database.js';

interface InvitationRow { id: string; box_id: string; email: string; role: BoxRole; invited_by: string | null; created_at: Date }

const toInvitationDto = (r: InvitationRow): InvitationDto => ({
  id: r.id,
  email: r.email,
  role: r.role,
  invited_by: r.invited_by,
  created_at: r.created_at.toISOString(),
});

/** Pending invitations of emails that have no account yet (emails are stored lower-cased). */
@Injectable()
export class InvitationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Creates the invitation, or changes the role of the one already pending for that email. */
  async upsert(boxId: string, email: string, role: BoxRole, invitedBy: string): Promise<InvitationDto> {
    const [row] = await this.db.query<InvitationRow>(
      `INSERT INTO box_invitations (box_id, email, role, invited_by) VALUES ($1, lower($2), $3, $4)
       ON CONFLICT (box_id, email) DO UPDATE SET role = EXCLUDED.role, invited_by = EXCLUDED.invited_by RETURNING *`,
      [boxId, email, role, invitedBy],
    );
    return toInvitationDto(row!);
  }

  async list(boxId: string): Promise<InvitationDto[]> {
    return (await this.db.query<InvitationRow>('SELECT * FROM box_invitations WHERE box_id = $1 ORDER BY created_at, email', [boxId])).map(toInvitationDto);
  }

  /** True when it was there. */
  async delete(boxId: string, invitationId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM box_invitations WHERE box_id = $1 AND id = $2 RETURNING id', [boxId, invitationId])).length > 0;
  }

  /** The invitations waiting for this email, in every box. */
  async forEmail(email: string): Promise<{ id: string; boxId: string; role: BoxRole }[]> {
    const rows = await this.db.query<InvitationRow>('SELECT * FROM box_invitations WHERE email = lower($1) ORDER BY created_at', [email]);
    return rows.map((r) => ({ id: r.id, boxId: r.box_id, role: r.role }));
  }

  /** True for the caller that removed it (two sign-ins at once claim it once). */
  async take(invitationId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM box_invitations WHERE id = $1 RETURNING id', [invitationId])).length > 0;
  }
}
