import { Check, Column, Entity, ForeignKey, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** The `ai_providers` table (migrations initial-schema, pipeline-limits): described for TypeORM; queries stay in catalog.repository.ts. */
@Entity('ai_providers')
@Check('ai_providers_kind_check', "kind IN ('template', 'kie', 'replicate', 'runware', 'stability', 'openai', 'fal', 'local')")
@Check('ai_providers_max_concurrency_check', 'max_concurrency > 0')
@Unique('ai_providers_name_key', ['name'])
export class AiProviderEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'ai_providers_pkey' }) id!: string;
  @Column('text') name!: string;
  @Column('text') kind!: string;
  @Column('text', { nullable: true }) base_url!: string | null;
  /** Sealed with APP_SECRET (SecretBox); opened only by ProviderConfigs. */
  @Column('text', { nullable: true }) api_key_encrypted!: string | null;
  @Column('jsonb', { default: () => "'{}'" }) extra_headers!: Record<string, string>;
  @Column('text', { nullable: true }) webhook_secret_encrypted!: string | null;
  @Column('integer', { default: 4 }) max_concurrency!: number;
  @Column('text', { nullable: true }) upload_base_url!: string | null;
  @Column('boolean', { default: false }) allow_private_network!: boolean;
  @Column('boolean', { default: true }) is_active!: boolean;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
  /** `{requests, per_ms}`; null: the default of the provider's kind. */
  @Column('jsonb', { nullable: true }) rate_limit!: { requests: number; per_ms: number } | null;
  /** How a template provider's chat model is called for storyboard plans; null: OpenAI's chat completions. */
  @Column('jsonb', { nullable: true }) chat_template!: unknown;
}

/** The `ai_models` table: what a provider can make, and how to ask it. */
@Entity('ai_models')
@Check('ai_models_model_type_check', "model_type IN ('IMAGE', 'VIDEO')")
@Check('ai_models_input_type_check', "input_type IN ('TEXT', 'IMAGE')")
@Unique('ai_models_slug_key', ['slug'])
export class AiModelEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'ai_models_pkey' }) id!: string;
  @ForeignKey('ai_providers', { name: 'ai_models_provider_id_fkey', onDelete: 'CASCADE' })
  @Column('uuid') provider_id!: string;
  @Column('text') name!: string;
  @Column('text') slug!: string;
  @Column('text') model_type!: 'IMAGE' | 'VIDEO';
  @Column('text') input_type!: 'TEXT' | 'IMAGE';
  @Column('text', { nullable: true }) api_endpoint!: string | null;
  @Column('jsonb', { nullable: true }) request_schema!: unknown;
  @Column('jsonb', { nullable: true }) response_mapping!: unknown;
  @Column('jsonb', { default: () => "'{}'" }) parameters_schema!: unknown;
  /** Credits per generation. */
  @Column('numeric', { precision: 12, scale: 4, default: 0 }) cost!: string;
  @Column('boolean', { default: true }) is_active!: boolean;
  @Column('timestamptz', { default: () => 'now()' }) created_at!: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at!: Date;
}
