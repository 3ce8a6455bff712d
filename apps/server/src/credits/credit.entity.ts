import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** The `credit_holds` table (migration 1796181011193-credits): the open hold of each running generation, written by the triggers. */
@Entity('credit_holds')
export class CreditHoldEntity {
  @PrimaryColumn('uuid') asset_id!: string;
  @Column('uuid') user_id!: string;
  @Column('numeric', { precision: 14, scale: 4 }) amount!: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}

/** The `credit_ledger` table: every movement of a balance (grant, hold, capture, release). */
@Entity('credit_ledger')
export class CreditLedgerEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid') user_id!: string;
  @Column('text') kind!: string;
  @Column('numeric', { precision: 14, scale: 4 }) amount!: string;
  @Column('numeric', { precision: 14, scale: 4 }) balance_after!: string;
  /** No foreign key: the ledger outlives the assets it names. */
  @Column('uuid', { nullable: true }) asset_id!: string | null;
  @Column('uuid', { nullable: true }) granted_by!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
}

/** The `provider_costs` table (migration provider-costs): what the provider reported a run cost, beside ours. */
@Entity('provider_costs')
export class ProviderCostEntity {
  @PrimaryColumn('uuid') asset_id!: string;
  @PrimaryColumn('integer') attempt!: number;
  @Column('uuid', { nullable: true }) model_id!: string | null;
  @Column('numeric', { precision: 14, scale: 4 }) our_cost!: string;
  @Column('numeric', { precision: 14, scale: 6 }) provider_cost!: string;
  @Column('text') provider_cost_unit!: string;
  @Column('timestamptz', { default: () => 'now()' }) recorded_at!: Date;
}
