-- An SQLite application's own tables (DESIGN §14): connections and profiles keyed by name,
-- times as epoch milliseconds. The application holds its providers in code: there is no table
-- of providers. Create them with
--   sqlite3 app.db < examples/storage/sqlite-epoch/schema.sql
-- and point reconcile.yaml (beside this file) at them. The reconciler creates no table of rows
-- here; its apply adds only its bookkeeping: reconcile_journal, reconcile_instance,
-- reconcile_ownership and reconcile_schema_version.

CREATE TABLE provider_connections (
    name TEXT PRIMARY KEY,           -- the connection's name: the mapping's key (default: name)
    provider TEXT NOT NULL,          -- a provider's name (one the application knows in code)
    auth TEXT NOT NULL,              -- JSON as text: {"credential":"...","type":"api_key"}
    created_at BIGINT NOT NULL,      -- epoch milliseconds, UTC; set on insert
    updated_at BIGINT NOT NULL       -- epoch milliseconds, UTC; set on every write
);

CREATE TABLE model_profiles (
    name TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    -- the profile's connection, by name; SQLite enforces it only with PRAGMA foreign_keys=ON,
    -- which the reconciler turns on (and the application should too)
    connection TEXT NULL REFERENCES provider_connections (name),
    temperature REAL NULL,
    max_tokens INTEGER NULL,
    system_prompt TEXT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
