import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The `credit_holds` table (migrations credits, credits-lock-order): the open hold of each running
 * generation. Written by the triggers on `assets` (credits_hold, credits_settle), which the
 * migrations hold: an entity cannot describe them.
 */
@Entity('credit_holds')
@Check('credit_holds_amount_check', 'amount > 0')
export class CreditHoldEntity {
  /** No foreign key: the hold is settled by the asset's own delete trigger. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'credit_holds_pkey' }) asset_id!: string;
  @ForeignKey('users', { name: 'credit_holds_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') user_id!: string;
  @Column('numeric', { precision: 14, scale: 4 }) amount!: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}

/** The `credit_ledger` table: every movement of a balance (grant, hold, capture, release). */
@Entity('credit_ledger')
@Check('credit_ledger_kind_check', "kind IN ('grant', 'hold', 'capture', 'release')")
// (user_id, id DESC): a user's ledger newest first; TypeORM has no per-column order, the migration owns it
@Index('credit_ledger_user', { synchronize: false })
@Index('credit_ledger_asset', ['asset_id'], { where: 'asset_id IS NOT NULL' })
// analytics: what each run was charged, read from the index alone (migration analytics-capture-index)
@Index('credit_ledger_capture', ['asset_id', 'amount'], { where: "kind = 'capture'" })
export class CreditLedgerEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'credit_ledger_pkey' }) id!: string;
  @ForeignKey('users', { name: 'credit_ledger_user_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') user_id!: string;
  @Column('text') kind!: string;
  @Column('numeric', { precision: 14, scale: 4 }) amount!: string;
  @Column('numeric', { precision: 14, scale: 4 }) balance_after!: string;
  /** No foreign key: the ledger outlives the assets it names. */
  @Column('uuid', { nullable: true }) asset_id!: string | null;
  @ForeignKey('users', { name: 'credit_ledger_granted_by_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) granted_by!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}

/** The `provider_costs` table (migration provider-costs): what the provider reported a run cost, beside ours. */
@Entity('provider_costs')
export class ProviderCostEntity {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'provider_costs_pkey' }) asset_id!: string;
  @PrimaryColumn('integer', { primaryKeyConstraintName: 'provider_costs_pkey' }) attempt!: number;
  @ForeignKey('ai_models', { name: 'provider_costs_model_id_fkey', onDelete: 'SET NULL' })
  @Column('uuid', { nullable: true }) model_id!: string | null;
  @Column('numeric', { precision: 14, scale: 4 }) our_cost!: string;
  @Column('numeric', { precision: 14, scale: 6 }) provider_cost!: string;
  @Column('text') provider_cost_unit!: string;
  @Column('timestamptz', { default: () => 'now()' }) recorded_at!: Date;
}
