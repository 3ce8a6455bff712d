import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each membership remembers the box seq at which it began, so a stream resume (Last-Event-ID)
 * replays nothing from before the member joined: prompts of assets deleted since, other members'
 * past changes. Members from before this change start at the box's current seq (a resume from
 * earlier answers box.resync, and the client refetches).
 */
export class MemberJoinedSeq1796190000000 implements MigrationInterface {
  name = 'MemberJoinedSeq1796190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE box_members ADD COLUMN joined_seq bigint NOT NULL DEFAULT 0`);
    await q.query(`UPDATE box_members m SET joined_seq = b.event_seq FROM boxes b WHERE b.id = m.box_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE box_members DROP COLUMN joined_seq`);
  }
}
