import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inviting an email that has no account no longer answers 404 (which told anyone with a box which
 * emails are registered): it stores an invitation, turned into a membership when someone
 * registers or logs in with that email. One per box and email (lower-cased).
 */
export class BoxInvitations1796190100000 implements MigrationInterface {
  name = 'BoxInvitations1796190100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE box_invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        box_id uuid NOT NULL REFERENCES boxes(id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        role text NOT NULL CHECK (role IN ('owner','editor','viewer')),
        invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (box_id, email)
      )`);
    await q.query(`CREATE INDEX box_invitations_email ON box_invitations (email)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS box_invitations`);
  }
}
