-- When a table with state was last found missing from the source (dropped or renamed): its mirror is kept
-- as it was, and every pass, `status` and `verify` say so. NULL while the source has it.
ALTER TABLE table_state ADD COLUMN source_missing_since timestamptz;
