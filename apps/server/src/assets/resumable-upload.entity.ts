import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The `resumable_uploads` table (migration resumable-uploads): tus uploads in flight; queries stay in their repository. */
@Entity('resumable_uploads')
@Check('resumable_uploads_length_check', 'length > 0')
@Check('resumable_uploads_check', 'received >= 0 AND received <= length')
@Index('resumable_uploads_expiry', ['expires_at'])
export class ResumableUploadEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'resumable_uploads_pkey' }) id!: string;
  @ForeignKey('boxes', { name: 'resumable_uploads_box_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') box_id!: string;
  @ForeignKey('users', { name: 'resumable_uploads_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') user_id!: string;
  @Column('bigint') length!: string;
  @Column('bigint', { default: 0 }) received!: string;
  @Column('text', { array: true, default: () => "'{}'" }) part_keys!: string[];
  @Column('text', { nullable: true }) filename!: string | null;
  @Column('text', { nullable: true }) prompt!: string | null;
  @Column('uuid', { nullable: true }) writer!: string | null;
  @Column('timestamptz', { nullable: true }) writer_seen!: Date | null;
  @Column('uuid', { nullable: true }) asset_id!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz') expires_at!: Date;
}
