-- Rows deleted from the mirror (or marked deleted, with sync.deletes "soft") because the source no longer
-- has their key, counted since the table was first synced; and when the table's keys were last compared
-- with the source's (sync.deletes_interval).
ALTER TABLE table_state ADD COLUMN rows_deleted bigint NOT NULL DEFAULT 0;
ALTER TABLE table_state ADD COLUMN keys_compared_at timestamptz;
