-- When an incremental table's whole rows were last compared with the source's (sync.full_compare_interval),
-- when its mirror was last reloaded (a reload counts as a comparison; the first after it is staggered), and
-- the open source transaction that held its last pass's reads back, if one did: who holds it (a connection
-- id on MariaDB/MySQL) and its start as the source reported it.
ALTER TABLE table_state
    ADD COLUMN rows_compared_at timestamptz,
    ADD COLUMN reloaded_at timestamptz,
    ADD COLUMN held_by text,
    ADD COLUMN held_since text;
