import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The `boxes` table (migrations initial-schema, pipeline-limits): described for TypeORM; queries stay in boxes.repository.ts. */
@Entity('boxes')
export class BoxEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'boxes_pkey' }) id!: string;
  @Column('text') name!: string;
  @ForeignKey('users', { name: 'boxes_owner_id_fkey' })
  @Column('uuid') owner_id!: string;
  /** Bumped with every change in the box: the `seq` of its realtime events. */
  @Column('bigint', { default: 0 }) event_seq!: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  /** A paused box's generations wait PENDING. */
  @Column('boolean', { default: false }) paused!: boolean;
}

/** The `box_members` table: who is in a box, and as what. */
@Entity('box_members')
@Check('box_members_role_check', "role IN ('owner', 'editor', 'viewer')")
@Index('box_members_user', ['user_id'])
export class BoxMemberEntity {
  @ForeignKey('boxes', { name: 'box_members_box_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'box_members_pkey' }) box_id!: string;
  @ForeignKey('users', { name: 'box_members_user_id_fkey', onDelete: 'CASCADE' })
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'box_members_pkey' }) user_id!: string;
  @Column('text') role!: 'owner' | 'editor' | 'viewer';
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  /** The box's seq when the member joined: SSE never replays events from before it. */
  @Column('bigint', { default: 0 }) joined_seq!: string;
}

/** The `box_invitations` table (migration box-invitations): an email without an account, invited; claimed at its sign-up or login. */
@Entity('box_invitations')
@Check('box_invitations_email_check', 'email = lower(email)')
@Check('box_invitations_role_check', "role IN ('owner', 'editor', 'viewer')")
@Unique('box_invitations_box_id_email_key', ['box_id', 'email'])
@Index('box_invitations_email', ['email'])
export class BoxInvitationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'box_invitations_pkey' }) id!: string;
  @ForeignKey('boxes', { name: 'box_invitations_box_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') box_id!: string;
  @Column('text') email!: string;
  @Column('text') role!: 'owner' | 'editor' | 'viewer';
  @ForeignKey('users', { name: 'box_invitations_invited_by_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) invited_by!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}
