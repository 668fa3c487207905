-- The `s2pg run` processes sharing this state schema (workers), each renewing its row while it lives, and
-- which worker each table is assigned to, until when. A worker syncs only its tables, taking each table's
-- lease (the advisory lock of `leases`) while it works on it: an assignment says whose turn a table is, the
-- lock that no two processes work on it at once. A worker that stops deletes its rows; one that dies keeps
-- its tables until expires_at, then the others take them over (a reload in progress resumes, part by part).
CREATE TABLE workers (
    worker_id  text PRIMARY KEY,
    host       text        NOT NULL,
    pid        integer     NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    renewed_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE TABLE assignments (
    source_table text PRIMARY KEY,
    worker_id    text        NOT NULL,
    since        timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

-- Every whole pass of a table (not the quiet ones a change probe answers), by whom and when: begun under the
-- table's lease, ended when the pass does (finished_at NULL: the process stopped or died in it). Kept for an
-- hour.
CREATE TABLE pass_history (
    id          bigserial PRIMARY KEY,
    source_table text        NOT NULL,
    worker_id   text        NOT NULL,
    command     text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    kind        text,
    rows        bigint,
    error       text
);
CREATE INDEX pass_history_started_at ON pass_history (started_at);
