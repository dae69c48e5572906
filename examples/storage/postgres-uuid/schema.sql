-- A PostgreSQL application's own tables (DESIGN §14): providers keyed by a UUID, connections and
-- profiles by autoincrement ids, each referring to the others by id, and two tables of the
-- application's that refer to providers with ON DELETE SET NULL and ON DELETE RESTRICT.
-- Create them with
--   psql "$DATABASE_URL" -f examples/storage/postgres-uuid/schema.sql
-- and point reconcile.yaml (beside this file) at them. The reconciler creates no table of rows
-- here; its apply adds only its bookkeeping: reconcile_journal, reconcile_instance,
-- reconcile_ownership and reconcile_schema_version.

CREATE TABLE ai_providers (
    id UUID PRIMARY KEY,                    -- no default: the reconciler makes a UUID4 (generate: uuid)
    name VARCHAR(255) NOT NULL UNIQUE,      -- the provider's name: the mapping's key
    type VARCHAR(32) NOT NULL,              -- anthropic | openai | gemini | ollama
    base_url TEXT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE llm_connections (
    id SERIAL PRIMARY KEY,                  -- the database makes it (generate: database)
    name VARCHAR(255) NOT NULL UNIQUE,
    provider_id UUID NOT NULL REFERENCES ai_providers (id),   -- the provider's id, not its name
    auth JSONB NOT NULL,                    -- {"type": "api_key", "credential": "..."}
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE llm_profiles (
    id SERIAL PRIMARY KEY,
    name VARCHAR(255) NOT NULL UNIQUE,
    provider_id UUID NOT NULL REFERENCES ai_providers (id),
    connection_id INTEGER NULL REFERENCES llm_connections (id),
    model VARCHAR(255) NOT NULL,
    label TEXT NULL,
    description TEXT NULL,
    system_prompt TEXT NULL,
    temperature DOUBLE PRECISION NULL,      -- double: 0.7 reads back as 0.7
    max_tokens INTEGER NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The application's own tables, not mapped: the reconciler never writes them, but a plan that
-- deletes a provider counts their rows that refer to it.

-- Usage outlives its provider: deleting the provider empties provider_id here
-- (the plan warns: delete.foreign-references).
CREATE TABLE app_usage (
    id SERIAL PRIMARY KEY,
    provider_id UUID NULL REFERENCES ai_providers (id) ON DELETE SET NULL,
    tokens INTEGER NOT NULL DEFAULT 0
);

-- An invoice keeps its provider: a provider with invoices cannot be deleted
-- (the plan is blocked: delete.referenced, even with --force).
CREATE TABLE app_invoices (
    id SERIAL PRIMARY KEY,
    provider_id UUID NOT NULL REFERENCES ai_providers (id) ON DELETE RESTRICT,
    amount INTEGER NOT NULL DEFAULT 0
);
