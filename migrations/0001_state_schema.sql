-- s2pg's state lives in its own schema (target.state_schema, default s2pg); s2pg sets search_path to it
-- before running a migration, so names here are unqualified.

-- Which migrations have been applied, with a checksum of each file's text so an edited migration is caught.
CREATE TABLE schema_migrations (
    version     integer PRIMARY KEY,
    name        text        NOT NULL,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per replicated table. The cursor is written in the same transaction as the rows it describes.
CREATE TABLE table_state (
    source_table      text PRIMARY KEY,
    target_table      text   NOT NULL UNIQUE,
    mode              text   NOT NULL CHECK (mode IN ('incremental', 'full')),
    -- The last applied (updated_at, key) pair, exactly as the source wrote it: microseconds, no zone shift.
    cursor_updated_at text,
    cursor_key        text[],
    rows_applied      bigint NOT NULL DEFAULT 0,
    last_run_at       timestamptz,
    last_success_at   timestamptz,
    last_error        text,
    last_error_at     timestamptz
);
