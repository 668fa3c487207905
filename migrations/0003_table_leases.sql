-- Who holds each table's lease. The lease itself is a session-level advisory lock on the target (keyed by
-- state schema and source table), so it ends with the holder's connection, kill -9 included; this row only
-- says who took it. A row whose backend no longer holds the lock is stale and means nothing.
CREATE TABLE leases (
    source_table  text PRIMARY KEY,
    lock_key      bigint      NOT NULL,
    backend_pid   integer     NOT NULL,
    host          text        NOT NULL,
    pid           integer     NOT NULL,
    command       text        NOT NULL,
    since         timestamptz NOT NULL DEFAULT now()
);
