import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732400000000 implements MigrationInterface {
  name = 'InitialSchema1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`);
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL DEFAULT '{}',
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE boxes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        owner_id uuid NOT NULL REFERENCES users(id),
        event_seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE box_members (
        box_id uuid NOT NULL REFERENCES boxes(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner','editor','viewer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (box_id, user_id)
      )`);
    await q.query(`CREATE INDEX box_members_user ON box_members (user_id)`);
    await q.query(`
      CREATE TABLE ai_providers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('template','kie','replicate','runware','stability','openai','fal','local')),
        base_url text,
        api_key_encrypted text,
        extra_headers jsonb NOT NULL DEFAULT '{}',
        webhook_secret_encrypted text,
        max_concurrency integer NOT NULL DEFAULT 4 CHECK (max_concurrency > 0),
        upload_base_url text,
        allow_private_network boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ai_models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id uuid NOT NULL REFERENCES ai_providers(id) ON DELETE CASCADE,
        name text NOT NULL,
        slug text NOT NULL UNIQUE,
        model_type text NOT NULL CHECK (model_type IN ('IMAGE','VIDEO')),
        input_type text NOT NULL CHECK (input_type IN ('TEXT','IMAGE')),
        api_endpoint text,
        request_schema jsonb,
        response_mapping jsonb,
        parameters_schema jsonb NOT NULL DEFAULT '{}',
        cost numeric(12,4) NOT NULL DEFAULT 0,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE assets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        box_id uuid NOT NULL REFERENCES boxes(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('IMAGE','VIDEO')),
        status text NOT NULL CHECK (status IN ('PENDING','PROCESSING','COMPLETED','FAILED','CANCELED')),
        source_type text NOT NULL CHECK (source_type IN ('UPLOADED','GENERATED','IMG2VID')),
        parent_asset_id uuid REFERENCES assets(id) ON DELETE SET NULL,
        model_id uuid REFERENCES ai_models(id) ON DELETE SET NULL,
        prompt text,
        generation_config jsonb NOT NULL DEFAULT '{}',
        external_task_id text,
        provider_state text,
        error_code text,
        error_message text,
        progress smallint CHECK (progress BETWEEN 0 AND 100),
        storage_key text,
        mime_type text,
        size_bytes bigint,
        width integer,
        height integer,
        duration_s real,
        thumbnail_key text,
        webhook_token text,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        -- milliseconds, as JavaScript dates carry them: list cursors round-trip exactly
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz,
        attempts integer NOT NULL DEFAULT 0
      )`);
    // the board lists newest first, keyset-paginated on (created_at, id)
    await q.query(`CREATE INDEX assets_box_created ON assets (box_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX assets_external_task ON assets (external_task_id) WHERE external_task_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE asset_events (
        id bigserial PRIMARY KEY,
        asset_id uuid NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        detail jsonb
      )`);
    await q.query(`CREATE INDEX asset_events_asset ON asset_events (asset_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['asset_events', 'assets', 'ai_models', 'ai_providers', 'box_members', 'boxes', 'api_tokens', 'users'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}
