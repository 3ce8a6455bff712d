import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The `users` table (migrations initial-schema, credits): described for TypeORM; queries stay in users.repository.ts. */
@Entity('users')
@Check('users_credits_not_negative', 'credits >= 0')
// unique on lower(email), an expression TypeORM cannot describe: the migration owns it, the schema diff leaves it alone
@Index('users_email_lower', { synchronize: false })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'users_pkey' }) id!: string;
  @Column('text') email!: string;
  @Column('text') display_name!: string;
  @Column('text') password_hash!: string;
  @Column('boolean', { default: false }) is_admin!: boolean;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('numeric', { precision: 14, scale: 4, default: 0 }) credits!: string;
}

/** The `api_tokens` table (migrations initial-schema, token-access): session and API tokens, stored as hashes. */
@Entity('api_tokens')
@Check('api_tokens_kind_check', "kind IN ('session', 'api')")
@Check('api_tokens_scopes_known', "scopes <@ '{read,write,admin}'::text[]")
@Unique('api_tokens_token_hash_key', ['token_hash'])
// (user_id, created_at DESC): a user's tokens newest first; TypeORM has no per-column order, the migration owns it
@Index('api_tokens_user', { synchronize: false })
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'api_tokens_pkey' }) id!: string;
  @ForeignKey('users', { name: 'api_tokens_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') user_id!: string;
  @Column('text') name!: string;
  @Column('text') token_hash!: string;
  @Column('text', { array: true, default: () => "'{}'" }) scopes!: string[];
  @Column('timestamptz', { nullable: true }) last_used_at!: Date | null;
  @Column('timestamptz', { nullable: true }) expires_at!: Date | null;
  @Column('timestamptz', { nullable: true }) revoked_at!: Date | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('text', { default: 'api' }) kind!: 'session' | 'api';
  /** null: every box the user can see. */
  @Column('uuid', { array: true, nullable: true }) box_ids!: string[] | null;
}
