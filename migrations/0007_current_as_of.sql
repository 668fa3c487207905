-- The source's clock (UTC) when the table's last successful pass began: everything the source had committed
-- by then is in the mirror. `s2pg status` shows the lag as the source's clock now minus this.
ALTER TABLE table_state ADD COLUMN current_as_of timestamptz;
