#!/usr/bin/env bash
# s2pg's benchmark: the raw pipeline (mariadb | psql COPY) against s2pg on the same machine, same run.
#   scripts/bench.sh [rows]      (default 1000000; S2PG_BENCH_RUNS timed runs each, default 5)
# Prints wall seconds (median), rows/s, the ratio to the raw pipeline, peak RSS and CPU seconds (the full
# load in binary COPY, in text COPY and over 2 and 4 streams, beside the raw pipeline's source half alone); then the
# peak RSS of s2pg on single large rows (a 64 MiB value, a 200 MiB row) against its goal, 64 MiB + 2x the row.
# Then deletes and comparisons on the same table (S2PG_BENCH=deletes): finding deleted rows (against copying
# every key over, Sling's way), repairing a full-mode table in place against reloading it, and verify.
# Then freshness (S2PG_BENCH=freshness): a writer changing 2,000 and 10,000 rows/s of a 100,000-row table
# while `s2pg run --interval 200ms` keeps its mirror, against a hand-written keeper (a shell loop of
# mariadb | psql upserts from the mirror's newest updated_at, every 200 ms): the mirror's staleness (the
# source's clock minus the newest change visible in the mirror) sampled every 20 ms, p50 and p99.
# Then many tables (S2PG_BENCH=tables): 1,000 tables of 100 rows synced, then `s2pg run --interval 200ms`
# passes over them with nothing changed and with 10 tables changed, against one UNION ALL probe of them all.
# Memory over a long run (S2PG_BENCH=soak only, S2PG_BENCH_SOAK_MINUTES, default 30): `s2pg run` under a
# 2,000 rows/s writer, its resident set sampled every 10 s.
#   S2PG_BENCH=table, large, deletes, freshness or tables runs only that part.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
RUNS=${S2PG_BENCH_RUNS:-5}
PART=${S2PG_BENCH:-all}

[ -x /opt/swift/usr/bin/swift ] && ! command -v swift >/dev/null 2>&1 && export PATH=/opt/swift/usr/bin:$PATH
for tool in /usr/bin/time:time python3:python3; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || { apt-get install -y -q "${tool#*:}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${tool#*:}" >/dev/null; }; }
done

scripts/databases.sh up
eval "$(scripts/databases.sh env)"
export MYSQL_PWD=$S2PG_MARIADB_PASSWORD PGPASSWORD=$S2PG_POSTGRES_PASSWORD
source_sql() { mariadb --no-defaults --default-character-set=utf8mb4 -h "$S2PG_MARIADB_HOST" -P "$S2PG_MARIADB_PORT" -u "$S2PG_MARIADB_USER" "$@"; }
target_sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$S2PG_POSTGRES_HOST" -p "$S2PG_POSTGRES_PORT" -U "$S2PG_POSTGRES_USER" -d "$S2PG_POSTGRES_DATABASE" "$@"; }

# The binary as the Docker image ships it: the Swift runtime linked in, which starts ~10 ms sooner.
echo "== building s2pg (release, static Swift runtime)" >&2
build=(swift build -c release --product s2pg --static-swift-stdlib --scratch-path .build-static)
"${build[@]}" >&2
S2PG=$("${build[@]}" --show-bin-path)/s2pg

COLUMNS="id, customer_id, status, amount, qty, note, payload, created_at, updated_at, flag"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/config.json" <<JSON
{"source": {"host": "$S2PG_MARIADB_HOST", "port": $S2PG_MARIADB_PORT, "user": "$S2PG_MARIADB_USER", "database": "s2pg_bench", "tls": "disabled"},
 "target": {"host": "$S2PG_POSTGRES_HOST", "port": $S2PG_POSTGRES_PORT, "user": "$S2PG_POSTGRES_USER", "database": "$S2PG_POSTGRES_DATABASE",
            "sslmode": "disable", "schema": "s2pg_bench", "state_schema": "s2pg_bench_state"},
 "sync": {"tables": ["orders"]}}
JSON
export S2PG_SOURCE_PASSWORD=$S2PG_MARIADB_PASSWORD S2PG_TARGET_PASSWORD=$S2PG_POSTGRES_PASSWORD
# The full load again in text COPY, and split over 2 and 4 streams (sync.parallel_streams).
sed 's/"tables": \["orders"\]}/"tables": ["orders"], "copy_format": "text"}/' "$work/config.json" >"$work/text.json"
for streams in 2 4; do
  sed "s/\"tables\": \\[\"orders\"\\]}/\"tables\": [\"orders\"], \"parallel_streams\": $streams}/" "$work/config.json" >"$work/streams$streams.json"
done

settle() { target_sql -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null; }

# /usr/bin/time -v fields of one run: wall seconds, peak RSS KiB, CPU seconds (user + sys).
measure() {
  local out=$1; shift
  /usr/bin/time -v -o "$out" "$@" >/dev/null 2>&1
}
field() { grep "$2" "$1" | awk -F': ' '{print $2}'; }
wall_of() { field "$1" "Elapsed (wall clock)" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }'; }
rss_of() { field "$1" "Maximum resident set size"; }
cpu_of() { awk -v u="$(field "$1" "User time")" -v s="$(field "$1" "System time")" 'BEGIN { print u + s }'; }
calc() { awk "BEGIN { print $1 }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A WALL RSS CPU
median_of() { echo "${WALL[$1]}" | tr ' ' '\n' | grep . | median; }
rate_of() { printf '%.0f' "$(calc "$ROWS / $(median_of "$1")")"; } # rows/s of the median run
record() { # name file
  WALL[$1]+="$(wall_of "$2") "; RSS[$1]+="$(rss_of "$2") "; CPU[$1]+="$(cpu_of "$2") "
}

# The raw pipeline writes into a table of the same column types as s2pg's mirror, with its primary key.
raw_pipeline() {
  target_sql -c "TRUNCATE s2pg_bench.orders_raw"
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$work/raw-client" mariadb --no-defaults --default-character-set=utf8mb4 -h "$S2PG_MARIADB_HOST" \
    -P "$S2PG_MARIADB_PORT" -u "$S2PG_MARIADB_USER" --batch --quick -N s2pg_bench -e "SELECT $COLUMNS FROM orders" |
    target_sql -c "COPY s2pg_bench.orders_raw FROM STDIN WITH (FORMAT text, NULL 'NULL')"
  end=$(date +%s.%N)
  WALL[raw]+="$(calc "$end - $start") "; RSS[raw]+="$(rss_of "$work/raw-client") "; CPU[raw]+="$(cpu_of "$work/raw-client") "
}

# The raw window: the same kind of change applied by hand, for scale. The rows changed since `since` are read
# by the updated_at index and upserted into the mirror by psql: TEMP table, COPY, INSERT ... ON CONFLICT, one
# transaction (what s2pg does, without its cursor, checkpoint, type checks or unchanged-row test).
updates=$(echo "$COLUMNS" | tr -d ' ' | tr ',' '\n' | grep -v '^id$' | awk '{ printf "%s%s = EXCLUDED.%s", (NR > 1 ? ", " : ""), $1, $1 }')
cat >"$work/window.sql" <<SQL
BEGIN;
CREATE TEMP TABLE w ON COMMIT DROP AS SELECT $COLUMNS FROM s2pg_bench.orders WITH NO DATA;
\\copy w ($COLUMNS) FROM pstdin WITH (FORMAT text, NULL 'NULL')
INSERT INTO s2pg_bench.orders ($COLUMNS) SELECT $COLUMNS FROM w ON CONFLICT (id) DO UPDATE SET $updates;
COMMIT;
SQL
raw_window() { # since
  local start end
  start=$(date +%s.%N)
  mariadb --no-defaults --default-character-set=utf8mb4 -h "$S2PG_MARIADB_HOST" -P "$S2PG_MARIADB_PORT" -u "$S2PG_MARIADB_USER" \
    --batch --quick -N s2pg_bench -e "SELECT $COLUMNS FROM orders WHERE updated_at > '$1' ORDER BY updated_at, id" |
    target_sql -f "$work/window.sql" >/dev/null
  end=$(date +%s.%N)
  WALL[window]+="$(calc "$end - $start") "
}

# Changes 1% of the rows, spread over the whole table (`id % 100 = class`); prints the source's clock before.
change() { # class
  source_sql -N -e "SELECT NOW(6)"
  source_sql s2pg_bench -e "UPDATE orders SET qty = qty + 1, updated_at = NOW(6) WHERE id % 100 = $1"
}

# The source table, generated again unless it holds the rows of the generator exactly.
ensure_orders() {
  source_sql -e "CREATE DATABASE IF NOT EXISTS s2pg_bench CHARACTER SET utf8mb4"
  if [ "$(source_sql -N s2pg_bench -e "SELECT COUNT(*), MAX(id) FROM orders" 2>/dev/null || echo 0)" != "$ROWS	$ROWS" ]; then
    echo "== generating $ROWS rows" >&2
    sed "s/__ROWS__/$ROWS/" scripts/bench/orders.sql | source_sql s2pg_bench
  fi
}

if [ "$PART" = all ] || [ "$PART" = table ]; then
ensure_orders
echo "== preparing the target" >&2
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_state CASCADE" 2>/dev/null
"$S2PG" full-load --config "$work/config.json" >/dev/null 2>&1
target_sql -c "CREATE TABLE s2pg_bench.orders_raw (LIKE s2pg_bench.orders INCLUDING ALL)" \
           -c "ALTER TABLE s2pg_bench.orders_raw DROP COLUMN _s2pg_synced_at"

echo "== warm-up" >&2
raw_pipeline; WALL[raw]=""; RSS[raw]=""; CPU[raw]=""
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS" >&2
  settle; raw_pipeline
  # The source half alone (the mariadb client into /dev/null): what no pipeline with one source stream beats.
  start=$(date +%s.%N)
  mariadb --no-defaults --default-character-set=utf8mb4 -h "$S2PG_MARIADB_HOST" -P "$S2PG_MARIADB_PORT" -u "$S2PG_MARIADB_USER" \
    --batch --quick -N s2pg_bench -e "SELECT $COLUMNS FROM orders" >/dev/null
  WALL[source]+="$(calc "$(date +%s.%N) - $start") "
  settle; measure "$work/full" "$S2PG" full-load --config "$work/config.json"; record full "$work/full"
  settle; measure "$work/fulltext" "$S2PG" full-load --config "$work/text.json"; record fulltext "$work/fulltext"
  for streams in 2 4; do
    settle; measure "$work/full$streams" "$S2PG" full-load --config "$work/streams$streams.json"; record "full$streams" "$work/full$streams"
  done
  # The raw window, then s2pg catching up untimed (those rows are unchanged for it now).
  raw_window "$(change $((4 * run)))"
  "$S2PG" sync --config "$work/config.json" >/dev/null 2>&1
  # s2pg on the next 1%: in steady state, and right after a CHECKPOINT (every page then written pays a
  # full-page image in the WAL: the worst case).
  change $((4 * run + 1)) >/dev/null
  measure "$work/incremental" "$S2PG" sync --config "$work/config.json"; record incremental "$work/incremental"
  measure "$work/nochange" "$S2PG" sync --config "$work/config.json"; record nochange "$work/nochange"
  change $((4 * run + 2)) >/dev/null
  settle; measure "$work/checkpointed" "$S2PG" sync --config "$work/config.json"; record checkpointed "$work/checkpointed"
done
"$S2PG" verify --config "$work/config.json" >&2

changed=$((ROWS / 100))
raw=$(median_of raw)
window=$(median_of window)
row() { # label key rows reference: the raw run this one compares with (its rows/s over ours), if any
  local wall rss cpu ratio="-" base
  wall=$(median_of "$2")
  # The raw window is timed by the shell alone: no RSS or CPU figures.
  rss=""; cpu=""
  if [ -n "${RSS[$2]:-}" ]; then
    rss=$(echo "${RSS[$2]}" | tr ' ' '\n' | grep . | sort -g | tail -1)
    cpu=$(echo "${CPU[$2]}" | tr ' ' '\n' | grep . | median)
  fi
  if [ -n "$4" ]; then base=$(median_of "$4"); ratio=$(printf '%.2f' "$(calc "$base / $wall")"); fi
  printf '| %-36s | %8.3f | %9.0f | %6s | %7s | %6s |\n' "$1" "$wall" "$(calc "$3 / $wall")" "$ratio" \
    "${rss:+$(printf '%.1f' "$(calc "$rss / 1024")")}" "${cpu:+$(printf '%.2f' "$cpu")}"
}
echo
echo "s2pg benchmark, $(date -u +%Y-%m-%d), $ROWS rows, median of $RUNS runs, $(nproc) cores"
echo "source: MariaDB $(source_sql -N -e 'SELECT VERSION()'), target: PostgreSQL $(target_sql -tAc 'SHOW server_version'), s2pg $("$S2PG" --version)"
echo
echo "| run                                  | wall s   | rows/s    | vs raw | RSS MiB | CPU s  |"
echo "|--------------------------------------|----------|-----------|--------|---------|--------|"
row "raw pipeline (mariadb \| psql COPY)" raw "$ROWS" raw
row "  its source half alone (> /dev/null)" source "$ROWS" raw
row "s2pg full-load (binary COPY)" full "$ROWS" raw
row "  the same in text COPY" fulltext "$ROWS" raw
row "  binary, 2 streams" full2 "$ROWS" raw
row "  binary, 4 streams" full4 "$ROWS" raw
row "raw window (mariadb \| psql upsert)" window "$changed" window
row "s2pg sync, $changed rows changed" incremental "$changed" window
row "  the same right after a CHECKPOINT" checkpointed "$changed" ""
row "s2pg sync, nothing changed" nochange 0 ""
echo
echo "Wall time includes process start. RSS and CPU of the raw pipeline are the mariadb client's;"
echo "s2pg's are its whole process. 'vs raw' is s2pg's rows/s over the raw run's above it: the raw pipeline"
echo "for the full load, the raw window (TEMP + COPY + upsert by psql, one transaction) for a sync."
echo "Full load rows/s by stream count (sync.parallel_streams): 1: $(rate_of full), 2: $(rate_of full2), 4: $(rate_of full4) (each stream is a source connection, a PostgreSQL backend and an encoder of its own, sharing these $(nproc) cores)."
echo
echo "Every run's wall seconds:"
for key in raw source full fulltext full2 full4 window incremental checkpointed nochange; do printf '  %-12s %s\n' "$key" "${WALL[$key]}"; done

fi

if [ "$PART" = all ] || [ "$PART" = large ]; then
# Large rows: peak RSS of a reload and of an incremental sync of one row, against the goal of 64 MiB plus
# twice the row. A 64 MiB LONGBLOB (bytea goes as hex, twice its size, in COPY text), and a 200 MiB row of
# two 50 MiB LONGBLOBs and two 50 MiB LONGTEXTs with tabs and newlines to escape.
echo "== large rows" >&2
source_sql -e "CREATE DATABASE IF NOT EXISTS s2pg_bench_large CHARACTER SET utf8mb4"
if [ "$(source_sql -N s2pg_bench_large -e "SELECT COUNT(*) FROM wide" 2>/dev/null || echo 0)" != 1 ]; then
  source_sql s2pg_bench_large <<'SQL'
DROP TABLE IF EXISTS blob64, wide;
CREATE TABLE blob64 (id INT NOT NULL PRIMARY KEY, v LONGBLOB, updated_at DATETIME(6) NOT NULL);
INSERT INTO blob64 VALUES (1, REPEAT(UNHEX(MD5('s2pg')), 4194304), NOW(6) - INTERVAL 1 MINUTE);
CREATE TABLE wide (id INT NOT NULL PRIMARY KEY, a LONGBLOB, b LONGBLOB, c LONGTEXT, d LONGTEXT, updated_at DATETIME(6) NOT NULL);
INSERT INTO wide VALUES (1, REPEAT(UNHEX(MD5('a')), 3276800), REPEAT(UNHEX(MD5('b')), 3276800),
  REPEAT('tab\there new\nline ', 2912711), REPEAT('plain text, no escapes ', 2279513), NOW(6) - INTERVAL 1 MINUTE);
SQL
fi
sed 's/"database": "s2pg_bench"/"database": "s2pg_bench_large"/; s/"tables": \["orders"\]/"tables": ["blob64", "wide"]/' \
  "$work/config.json" >"$work/large.json"
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_state CASCADE" 2>/dev/null
echo
echo "| large row                          | row MiB | full-load RSS MiB | sync RSS MiB | goal MiB | met |"
echo "|------------------------------------|---------|-------------------|--------------|----------|-----|"
for table in blob64 wide; do
  bytes=$(source_sql -N s2pg_bench_large -e "SELECT SUM(COALESCE(LENGTH(v), 0)) FROM blob64" 2>/dev/null)
  [ "$table" = wide ] && bytes=$(source_sql -N s2pg_bench_large -e "SELECT LENGTH(a) + LENGTH(b) + LENGTH(c) + LENGTH(d) FROM wide")
  measure "$work/large-full" "$S2PG" full-load --table "$table" --config "$work/large.json"
  source_sql s2pg_bench_large -e "UPDATE $table SET updated_at = NOW(6)"
  measure "$work/large-sync" "$S2PG" sync --table "$table" --config "$work/large.json"
  full=$(calc "$(rss_of "$work/large-full") / 1024"); sync=$(calc "$(rss_of "$work/large-sync") / 1024")
  row=$(calc "$bytes / 1048576"); goal=$(calc "64 + 2 * $row")
  met=$(awk -v f="$full" -v s="$sync" -v g="$goal" 'BEGIN { print (f <= g && s <= g) ? "yes" : "NO" }')
  printf '| %-34s | %7.1f | %17.1f | %12.1f | %8.1f | %-3s |\n' "$table" "$row" "$full" "$sync" "$goal" "$met"
done
"$S2PG" verify --config "$work/large.json" >&2
fi

if [ "$PART" = all ] || [ "$PART" = deletes ]; then
# Deletes and comparisons on the benchmark table. Each figure is the median wall time of $RUNS runs of one
# s2pg pass, with its CPU and the source's and target's server CPU over that pass (from /proc).
echo "== deletes and comparisons" >&2
ensure_orders
server_cpu() { # pid: user + system seconds of a server and its children so far
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"
}
db_dir=${S2PG_DB_DIR:-/tmp/s2pg-databases}
mariadb_pid=$(head -n 1 "$db_dir/mariadb/mariadbd.pid")
postgres_pid=$(head -n 1 "$db_dir/postgres/data/postmaster.pid")
postgres_cpu() { # the postmaster with its ended backends (reaped: in its children's times), and its live children
  local total child
  total=$(server_cpu "$postgres_pid")
  for child in $(pgrep -P "$postgres_pid"); do total=$(calc "$total + $(server_cpu "$child" 2>/dev/null || echo 0)"); done
  echo "$total"
}
declare -A SRC TGT
timed() { # name command...: one run, recording wall, RSS, s2pg CPU and both servers' CPU
  local name=$1 s0 t0; shift
  s0=$(server_cpu "$mariadb_pid"); t0=$(postgres_cpu)
  measure "$work/$name" "$@"
  record "$name" "$work/$name"
  SRC[$name]+="$(calc "$(server_cpu "$mariadb_pid") - $s0") "; TGT[$name]+="$(calc "$(postgres_cpu) - $t0") "
}
sed 's/"tables": \["orders"\]/"tables": ["orders"], "deletes": "hard", "deletes_interval": "0s"/' "$work/config.json" >"$work/hard.json"
sed 's/"tables": \["orders"\]/"tables": ["orders"], "deletes": "off"/' "$work/config.json" >"$work/off.json"
# Whole rows compared every pass (the default is every 24 hours).
sed 's/"tables": \["orders"\]/"tables": ["orders"], "deletes": "hard", "deletes_interval": "0s", "full_compare_interval": "0s"/' \
  "$work/config.json" >"$work/rows.json"
# The same table in full mode: no column is its cursor.
sed 's/"tables": \["orders"\]/"tables": ["orders"], "updated_at_column": "no_such_column", "deletes": "hard"/' \
  "$work/config.json" >"$work/full.json"
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_state CASCADE" 2>/dev/null
"$S2PG" full-load --config "$work/hard.json" >/dev/null 2>&1
"$S2PG" sync --config "$work/hard.json" >/dev/null 2>&1
next=$((ROWS + 1))
for run in $(seq 1 "$RUNS"); do
  echo "== deletes run $run of $RUNS" >&2
  settle
  timed nochange_off "$S2PG" sync --config "$work/off.json"
  timed nochange_hard "$S2PG" sync --config "$work/hard.json"
  timed nochange_rows "$S2PG" sync --config "$work/rows.json"
  # 100 rows deleted, spread over the table.
  source_sql s2pg_bench -e "DELETE FROM orders WHERE id % 10000 = $run"
  timed deleted100 "$S2PG" sync --config "$work/hard.json"
  # 100 more deleted and 100 updated (the full-mode table below has its rows changed behind s2pg's back).
  source_sql s2pg_bench -e "DELETE FROM orders WHERE id % 10000 = $((run + 100)); UPDATE orders SET qty = qty + 1, updated_at = NOW(6) WHERE id % 10000 = $((run + 200))"
  timed deleted100_updated100 "$S2PG" sync --config "$work/hard.json"
done
verify_out=$("$S2PG" verify --config "$work/hard.json" 2>/dev/null | tail -1)
echo "verify after the deletes: $verify_out" >&2

# Full mode: the reload it used to get on every pass, against comparing and repairing it in place.
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_state CASCADE" 2>/dev/null
"$S2PG" full-load --config "$work/full.json" >/dev/null 2>&1
full_rows=$(source_sql -N s2pg_bench -e "SELECT COUNT(*) FROM orders")
for run in $(seq 1 "$RUNS"); do
  echo "== full-mode run $run of $RUNS" >&2
  settle
  timed full_reload "$S2PG" full-load --config "$work/full.json"
  # The first pass after a reload compares both sides and keeps the buckets' fingerprints; later ones
  # scan the source alone.
  timed full_first "$S2PG" sync --config "$work/full.json"
  timed full_nochange "$S2PG" sync --config "$work/full.json"
  # 1,000 rows changed behind s2pg's back: updated_at left alone, so only a comparison can find them.
  source_sql s2pg_bench -e "UPDATE orders SET qty = qty + 1 WHERE id % 1000 = $run"
  timed full_changed1000 "$S2PG" sync --config "$work/full.json"
  # The buckets repaired are compared row by row once more.
  timed full_after "$S2PG" sync --config "$work/full.json"
  timed verify "$S2PG" verify --config "$work/full.json"
done

# The anchor: what Sling's delete_missing does (every primary key of the source copied into a temporary
# table beside the mirror, then the mirror's rows without one deleted), by hand with mariadb and psql in
# one transaction. Sling itself cannot be timed here: 1.4.11 needs a Sling Pro token for delete_missing
# ("invalid or missing token ... to enable delete_missing") and otherwise leaves the rows in place.
cat >"$work/keys.sql" <<SQL
BEGIN;
CREATE TEMP TABLE k (id bigint PRIMARY KEY) ON COMMIT DROP;
\\copy k FROM pstdin
DELETE FROM s2pg_bench.orders o WHERE NOT EXISTS (SELECT 1 FROM k WHERE k.id = o.id);
COMMIT;
SQL
cat >"$work/keys.sh" <<SH
#!/bin/sh
set -e
mariadb --no-defaults -h "$S2PG_MARIADB_HOST" -P "$S2PG_MARIADB_PORT" -u "$S2PG_MARIADB_USER" --batch --quick -N s2pg_bench \\
  -e "SELECT id FROM orders" |
  psql -X -q -v ON_ERROR_STOP=1 -h "$S2PG_POSTGRES_HOST" -p "$S2PG_POSTGRES_PORT" -U "$S2PG_POSTGRES_USER" -d "$S2PG_POSTGRES_DATABASE" -f "$work/keys.sql"
SH
chmod +x "$work/keys.sh"
for run in $(seq 1 "$RUNS"); do
  source_sql s2pg_bench -e "DELETE FROM orders WHERE id % 10000 = $((run + 300))"
  settle
  timed raw_keys "$work/keys.sh"
done

drow() { # label key [reference key]
  local wall rss cpu src tgt ratio="-"
  wall=$(median_of "$2")
  rss=$(echo "${RSS[$2]}" | tr ' ' '\n' | grep . | sort -g | tail -1)
  cpu=$(echo "${CPU[$2]}" | tr ' ' '\n' | grep . | median)
  src=$(echo "${SRC[$2]}" | tr ' ' '\n' | grep . | median)
  tgt=$(echo "${TGT[$2]}" | tr ' ' '\n' | grep . | median)
  if [ -n "${3:-}" ] && [ -n "${WALL[$3]:-}" ]; then ratio=$(printf '%.1fx' "$(calc "$(median_of "$3") / $wall")"); fi
  printf '| %-52s | %7.3f | %8s | %7.1f | %6.2f | %6.2f | %6.2f |\n' "$1" "$wall" "$ratio" "$(calc "$rss / 1024")" "$cpu" "$src" "$tgt"
}
echo
echo "s2pg deletes and comparisons, $(date -u +%Y-%m-%d), $full_rows rows, median of $RUNS runs, $(nproc) cores"
echo
echo "| run                                                  | wall s  | vs ref   | RSS MiB | CPU s  | src s  | tgt s  |"
echo "|------------------------------------------------------|---------|----------|---------|--------|--------|--------|"
drow "sync, nothing changed, deletes off (reference)" nochange_off
drow "sync, nothing changed, keys compared (deletes hard)" nochange_hard raw_keys
drow "sync, nothing changed, whole rows compared" nochange_rows full_reload
drow "sync, 100 rows deleted" deleted100 raw_keys
drow "sync, 100 deleted + 100 updated" deleted100_updated100 raw_keys
drow "raw: every key copied over, the rest deleted (Sling's way)" raw_keys
drow "full-mode table: full-load (the old every-pass reload)" full_reload
drow "full-mode table: first sync after it (both sides)" full_first full_reload
drow "full-mode table: sync, nothing changed" full_nochange full_reload
drow "full-mode table: sync, 1,000 rows changed unseen" full_changed1000 full_reload
drow "full-mode table: the sync after that" full_after full_reload
drow "verify (bucket comparison)" verify
echo
echo "'vs ref' is the reference's wall time over this run's: the raw key copy for deletes, the reload for the"
echo "full-mode table. src s and tgt s are the CPU seconds the MariaDB and PostgreSQL servers spent during the"
echo "run; CPU s is s2pg's own (the raw run's: the mariadb client's). The cost of finding deletes is the"
echo "keys-compared pass minus the reference pass; per million rows: scale by 1000000 / $full_rows."
echo
rows_ratio=$(calc "$(median_of nochange_rows) / $(median_of full_reload)")
keys_ratio=$(calc "$(median_of nochange_hard) / $(median_of full_reload)")
printf 'Comparing an unchanged incremental table with its source, against reloading it (the full-load above):\n'
printf 'keys with updated_at %.2fx, whole rows %.2fx (goal: whole rows at most 0.5x): %s\n' "$keys_ratio" "$rows_ratio" \
  "$(awk -v r="$rows_ratio" 'BEGIN { print (r <= 0.5) ? "met" : "MISSED" }')"
fi

if [ "$PART" = all ] || [ "$PART" = freshness ]; then
echo "== freshness" >&2
FRESH_SECONDS=${S2PG_BENCH_FRESH_SECONDS:-20}
source_sql -e "CREATE DATABASE IF NOT EXISTS s2pg_bench CHARACTER SET utf8mb4"
source_sql s2pg_bench <scripts/bench/fresh.sql
sed 's/"tables": \["orders"\]/"tables": ["fresh"]/' "$work/config.json" >"$work/fresh.json"
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_state CASCADE" \
  -c "DROP SCHEMA IF EXISTS s2pg_bench_probe CASCADE" 2>/dev/null
"$S2PG" sync --config "$work/fresh.json" >/dev/null 2>&1
# The probe reads the newest change by an index, as a dashboard would; the raw keeper's mirror is a copy.
target_sql -c "CREATE INDEX ON s2pg_bench.fresh (written_at)" \
  -c "CREATE TABLE s2pg_bench.fresh_raw (LIKE s2pg_bench.fresh INCLUDING ALL)" -c "INSERT INTO s2pg_bench.fresh_raw SELECT * FROM s2pg_bench.fresh" \
  -c "CREATE SCHEMA s2pg_bench_probe" -c "CREATE TABLE s2pg_bench_probe.samples (keeper text, rate int, lag float8)"
fresh_columns="id, v, note, written_at, updated_at"
cat >"$work/raw-keeper.sql" <<SQL
BEGIN;
CREATE TEMP TABLE w ON COMMIT DROP AS SELECT $fresh_columns FROM s2pg_bench.fresh_raw WITH NO DATA;
\\copy w ($fresh_columns) FROM pstdin WITH (FORMAT text, NULL 'NULL')
INSERT INTO s2pg_bench.fresh_raw ($fresh_columns) SELECT $fresh_columns FROM w ON CONFLICT (id) DO UPDATE
  SET v = EXCLUDED.v, note = EXCLUDED.note, written_at = EXCLUDED.written_at, updated_at = EXCLUDED.updated_at;
COMMIT;
SQL
# The hand-written keeper: from the mirror's newest updated_at, every 200 ms, until told to stop.
raw_keeper() {
  while [ ! -e "$work/stop" ]; do
    local since
    since=$(target_sql -tAc "SELECT max(updated_at)::text FROM s2pg_bench.fresh_raw")
    source_sql --batch --quick -N s2pg_bench -e "SELECT $fresh_columns FROM fresh WHERE updated_at > '$since'" |
      target_sql -f "$work/raw-keeper.sql" >/dev/null
    sleep 0.2
  done
}
# Samples the mirror's staleness every 20 ms for the run's length.
probe() { # keeper rate table
  target_sql -c "DO \$\$ DECLARE stop timestamptz := clock_timestamp() + interval '$FRESH_SECONDS seconds'; BEGIN
    WHILE clock_timestamp() < stop LOOP
      INSERT INTO s2pg_bench_probe.samples SELECT '$1', $2,
        extract(epoch FROM (clock_timestamp() AT TIME ZONE 'UTC') - (SELECT max(written_at) FROM s2pg_bench.$3));
      PERFORM pg_sleep(0.02);
    END LOOP; END \$\$"
}
declare -A WRITTEN EXACT
for rate in 2000 10000; do
  for keeper in s2pg raw; do
    echo "== freshness: $keeper, $rate rows/s" >&2
    rm -f "$work/stop"
    if [ "$keeper" = s2pg ]; then
      "$S2PG" run --interval 200ms --config "$work/fresh.json" >/dev/null 2>&1 &
    else
      raw_keeper &
    fi
    keeper_pid=$!
    sleep 1
    before=$(source_sql -N s2pg_bench -e "SELECT SUM(v) FROM fresh")
    start=$(date +%s.%N)
    # The writer runs a second past the probe, so that every sample is taken under load.
    source_sql s2pg_bench -e "CALL write_load($rate, $((FRESH_SECONDS + 2)))" &
    writer_pid=$!
    sleep 1
    probe "$keeper" "$rate" "$( [ "$keeper" = s2pg ] && echo fresh || echo fresh_raw )"
    wait "$writer_pid"
    end=$(date +%s.%N)
    after=$(source_sql -N s2pg_bench -e "SELECT SUM(v) FROM fresh")
    WRITTEN[$keeper$rate]=$(calc "($after - $before) / ($end - $start)")
    # A second for the keeper to apply what the writer committed last (s2pg's reads wait for the
    # transactions open when it looks, and stop at the moment it asked), then it is stopped.
    sleep 1
    if [ "$keeper" = s2pg ]; then kill -TERM "$keeper_pid"; else touch "$work/stop"; fi
    wait "$keeper_pid" || true
    # Fresh is not enough: the mirror must also hold every change (rows committed late with an earlier
    # updated_at included), compared once the writer and the keeper stopped.
    if [ "$keeper" = s2pg ]; then
      EXACT[$rate]=$("$S2PG" verify --config "$work/fresh.json" 2>/dev/null | tail -1 | sed 's/^fresh: //')
    fi
  done
done
echo
echo "s2pg freshness, $(date -u +%Y-%m-%d), a 100,000-row table, $FRESH_SECONDS s per run, $(nproc) cores"
echo
echo "| keeper                                   | rows/s written | p50 lag s | p99 lag s | max lag s | goal p99 s | met |"
echo "|------------------------------------------|----------------|-----------|-----------|-----------|------------|-----|"
for rate in 2000 10000; do
  goal=$([ "$rate" = 2000 ] && echo 0.2 || echo 0.3)
  for keeper in s2pg raw; do
    label=$([ "$keeper" = s2pg ] && echo "s2pg run --interval 200ms" || echo "raw keeper (mariadb | psql every 200 ms)")
    read -r p50 p99 max <<<"$(target_sql -tAc "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY lag)::numeric, 3),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::numeric, 3), round(max(lag)::numeric, 3)
      FROM s2pg_bench_probe.samples WHERE keeper = '$keeper' AND rate = $rate" | tr '|' ' ')"
    met="-"
    [ "$keeper" = s2pg ] && met=$(awk -v p="$p99" -v g="$goal" 'BEGIN { print (p <= g) ? "yes" : "NO" }')
    printf '| %-40s | %14.0f | %9s | %9s | %9s | %10s | %-3s |\n' "$label" "${WRITTEN[$keeper$rate]}" "$p50" "$p99" "$max" \
      "$([ "$keeper" = s2pg ] && echo "$goal" || echo "-")" "$met"
  done
done
echo
echo "Lag is sampled every 20 ms in PostgreSQL: the source's clock (both servers share this machine's) minus"
echo "the newest written_at the mirror shows; the writer updates its rows every 10 ms, each statement"
echo "committed alone, so this is how far behind the mirror is, whatever the keeper. After each s2pg run,"
echo "once the writer and s2pg stopped, verify said:"
for rate in 2000 10000; do echo "  $rate rows/s: ${EXACT[$rate]}"; done
fi

if [ "$PART" = all ] || [ "$PART" = tables ]; then
# Many small tables: the first sync of them, then `s2pg run --interval 200ms` over them, its passes timed by
# its own "pass done" log lines: quiet passes, and passes with 10 tables changed (one transaction a second
# updating a row in each of 10 random tables). The reference is the least any keeper must do each pass: one
# round trip asking every table for its newest updated_at (the mariadb client, a UNION ALL of MAX()es).
echo "== many tables" >&2
TABLES=${S2PG_BENCH_TABLES:-1000}
MANY_SECONDS=${S2PG_BENCH_MANY_SECONDS:-15}
names() { awk -v n="$TABLES" 'BEGIN { for (i = 1; i <= n; i++) printf "t%04d\n", i }'; }
source_sql -e "DROP DATABASE IF EXISTS s2pg_bench_many; CREATE DATABASE s2pg_bench_many"
names | awk '{ printf "CREATE TABLE %s (id INT NOT NULL PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(10,2), updated_at DATETIME(6) NOT NULL, KEY (updated_at));\n", $1
  printf "INSERT INTO %s SELECT seq, CONCAT(\"row \", seq), seq * 1.5, NOW(6) - INTERVAL seq MINUTE FROM seq_1_to_100;\n", $1 }' |
  source_sql s2pg_bench_many
cat >"$work/many.json" <<JSON
{"source": {"host": "$S2PG_MARIADB_HOST", "port": $S2PG_MARIADB_PORT, "user": "$S2PG_MARIADB_USER", "database": "s2pg_bench_many", "tls": "disabled"},
 "target": {"host": "$S2PG_POSTGRES_HOST", "port": $S2PG_POSTGRES_PORT, "user": "$S2PG_POSTGRES_USER", "database": "$S2PG_POSTGRES_DATABASE",
            "sslmode": "disable", "schema": "s2pg_bench_many", "state_schema": "s2pg_bench_many_state"}}
JSON
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench_many CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_many_state CASCADE" \
  -c "DROP SCHEMA IF EXISTS s2pg_bench_many_raw CASCADE" 2>/dev/null
start=$(date +%s.%N)
"$S2PG" sync --config "$work/many.json" >/dev/null 2>&1
many_first=$(calc "$(date +%s.%N) - $start")
# The first sync's reference: each table created and copied by mariadb | psql COPY, one after another.
start=$(date +%s.%N)
target_sql -c "CREATE SCHEMA s2pg_bench_many_raw"
names | awk '{ printf "CREATE TABLE s2pg_bench_many_raw.%s (id integer PRIMARY KEY, name varchar(40) NOT NULL, amount numeric(10,2), updated_at timestamp(6) NOT NULL);\n", $1 }' | target_sql
for table in $(names); do
  source_sql --batch --quick -N s2pg_bench_many -e "SELECT id, name, amount, updated_at FROM $table" |
    target_sql -c "COPY s2pg_bench_many_raw.$table FROM STDIN WITH (FORMAT text, NULL 'NULL')"
done
raw_first=$(calc "$(date +%s.%N) - $start")
# The pass reference, timed $RUNS times.
names | awk 'NR > 1 { printf " UNION ALL " } { printf "SELECT %d, MAX(updated_at) FROM %s", NR, $1 } END { print "" }' >"$work/probe.sql"
raw_probe=()
for run in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  source_sql --batch -N s2pg_bench_many <"$work/probe.sql" >/dev/null
  raw_probe+=("$(calc "$(date +%s.%N) - $start")")
done
"$S2PG" run --interval 200ms --log-level debug --log-format json --config "$work/many.json" >/dev/null 2>"$work/many.log" &
run_pid=$!
sleep "$MANY_SECONDS"
end=$(( $(date +%s) + MANY_SECONDS ))
while [ "$(date +%s)" -lt "$end" ]; do
  # One transaction: a pass sees all 10 or none (unless it falls between the probe's statements).
  { echo "BEGIN;"
    shuf -i 1-"$TABLES" -n 10 | awk -v seed="$RANDOM" 'BEGIN { srand(seed) } { printf "UPDATE t%04d SET amount = amount + 1, updated_at = NOW(6) WHERE id = %d;\n", $1, 1 + int(rand() * 100) }'
    echo "COMMIT;"; } | source_sql s2pg_bench_many
  sleep 1
done
kill -TERM "$run_pid"
wait "$run_pid" || true
# Comparisons on, nothing changed: keys compared every 10 s instead of 5 minutes, so that within the run
# each table falls due (at its own moment of the interval) once or twice.
sed 's/"state_schema": "s2pg_bench_many_state"}/"state_schema": "s2pg_bench_many_state"}, "sync": {"deletes_interval": "10s"}/' \
  "$work/many.json" >"$work/compare.json"
"$S2PG" run --interval 200ms --log-level debug --log-format json --config "$work/compare.json" >/dev/null 2>"$work/compare.log" &
run_pid=$!
sleep "$MANY_SECONDS"
sleep "$MANY_SECONDS"
kill -TERM "$run_pid"
wait "$run_pid" || true
# The seconds of the "pass done" lines of passes that failed no table, matching a filter over s (seconds), n
# (tables) and q (tables probed and found quiet). The first pass after start gives every table a whole pass
# (nothing is known yet): it is reported apart.
passes() { # filter [log]
  python3 -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    event = json.loads(line)
    if event.get("message") == "pass done" and event.get("failed") == "[]":
        rows.append((float(event["seconds"]), int(event["tables"]), int(event["probed_quiet"])))
for index, (s, n, q) in enumerate(rows):
    if index > 0 and eval(sys.argv[2]): print(s)
' "${2:-$work/many.log}" "$1"
}
first_pass=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    event = json.loads(line)
    if event.get("message") == "pass done": print(event["seconds"]); break
' "$work/many.log")
quiet=$(passes "q == n" | median)
quiet_max=$(passes "q == n" | sort -g | tail -1)
quiet_count=$(passes "q == n" | wc -l)
changed=$(passes "n - q == 10" | median)
changed_max=$(passes "n - q == 10" | sort -g | tail -1)
changed_count=$(passes "n - q == 10" | wc -l)
compared=$(passes "True" "$work/compare.log" | median)
compared_max=$(passes "True" "$work/compare.log" | sort -g | tail -1)
compared_count=$(passes "True" "$work/compare.log" | wc -l)
compared_tables=$(python3 -c '
import json, sys
passes = [json.loads(line) for line in open(sys.argv[1])]
passes = [event for event in passes if event.get("message") == "pass done"][1:]
print(sum(int(event["tables"]) - int(event["probed_quiet"]) for event in passes))
' "$work/compare.log")
echo
echo "s2pg over many tables, $(date -u +%Y-%m-%d), $TABLES tables of 100 rows, $(nproc) cores"
echo
echo "| what                                              | s2pg s | reference s | goal s | met |"
echo "|---------------------------------------------------|--------|-------------|--------|-----|"
printf '| %-49s | %6.2f | %11.2f | %6s | %-3s |\n' "first sync of every table (raw: mariadb | psql each)" "$many_first" "$raw_first" "-" "-"
printf '| %-49s | %6.2f | %11s | %6s | %-3s |\n' "run's first pass (right after the first sync)" "$first_pass" "-" "-" "-"
probe_median=$(printf '%s\n' "${raw_probe[@]}" | median)
met() { awk -v v="$1" -v g="$2" -v n="$3" 'BEGIN { print (n > 0 && v <= g) ? "yes" : "NO" }'; }
printf '| %-49s | %6.3f | %11.3f | %6s | %-3s |\n' "pass, nothing changed (median of $quiet_count)" "${quiet:-0}" "$probe_median" 0.3 "$(met "$quiet" 0.3 "$quiet_count")"
printf '| %-49s | %6.3f | %11s | %6s | %-3s |\n' "  slowest of those" "${quiet_max:-0}" "-" "-" "-"
printf '| %-49s | %6.3f | %11.3f | %6s | %-3s |\n' "pass, 10 tables changed (median of $changed_count)" "${changed:-0}" "$probe_median" 0.4 "$(met "$changed" 0.4 "$changed_count")"
printf '| %-49s | %6.3f | %11s | %6s | %-3s |\n' "  slowest of those" "${changed_max:-0}" "-" "-" "-"
printf '| %-49s | %6.3f | %11.3f | %6s | %-3s |\n' "pass, comparisons on (median of $compared_count)" "${compared:-0}" "$probe_median" 0.3 "$(met "$compared" 0.3 "$compared_count")"
printf '| %-49s | %6.3f | %11s | %6s | %-3s |\n' "  slowest of those" "${compared_max:-0}" "-" 1.0 "$(met "$compared_max" 1.0 "$compared_count")"
echo
echo "With comparisons on (sync.deletes_interval 10s, nothing changed), $compared_tables table passes compared keys"
echo "over $((2 * MANY_SECONDS)) s; the first pass is left out."
echo "Passes by tables changed (not found quiet): $(python3 -c '
import collections, json, sys
counts = collections.Counter()
for line in open(sys.argv[1]):
    event = json.loads(line)
    if event.get("message") == "pass done": counts[int(event["tables"]) - int(event["probed_quiet"])] += 1
print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
' "$work/many.log")."
echo "A pass's seconds are s2pg's own (its \"pass done\" log line); the reference is the mariadb client asking"
echo "all $TABLES tables for their newest updated_at in one statement, start to exit, median of $RUNS."
fi

if [ "$PART" = soak ]; then
# Memory over a long run (only alone: S2PG_BENCH=soak, S2PG_BENCH_SOAK_MINUTES, default 30): `s2pg run
# --interval 200ms --metrics` keeping the freshness table while the writer changes 2,000 rows/s, /metrics
# scraped every 10 s, the process's resident set sampled every 10 s.
echo "== soak" >&2
SOAK_MINUTES=${S2PG_BENCH_SOAK_MINUTES:-30}
source_sql -e "CREATE DATABASE IF NOT EXISTS s2pg_bench CHARACTER SET utf8mb4"
source_sql s2pg_bench <scripts/bench/fresh.sql
sed 's/"tables": \["orders"\]/"tables": ["fresh"]/' "$work/config.json" >"$work/fresh.json"
target_sql -c "DROP SCHEMA IF EXISTS s2pg_bench CASCADE" -c "DROP SCHEMA IF EXISTS s2pg_bench_state CASCADE" 2>/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$S2PG" run --interval 200ms --metrics "127.0.0.1:$port" --config "$work/fresh.json" >/dev/null 2>&1 &
run_pid=$!
sleep 5
source_sql s2pg_bench -e "CALL write_load(2000, $((SOAK_MINUTES * 60)))" &
writer_pid=$!
: >"$work/rss"
start=$(date +%s)
while kill -0 "$writer_pid" 2>/dev/null; do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/metrics').read()" 2>/dev/null || true
  echo "$(( $(date +%s) - start )) $(awk '/VmRSS/ { print $2 }' "/proc/$run_pid/status")" >>"$work/rss"
  sleep 10
done
kill -TERM "$run_pid"
wait "$run_pid" || true
exact=$("$S2PG" verify --config "$work/fresh.json" 2>/dev/null | tail -1)
rss_at() { awk -v t="$1" '$1 >= t { print $2; exit }' "$work/rss"; }
early=$(rss_at 300)
late=$(tail -1 "$work/rss" | awk '{ print $2 }')
peak=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$work/rss")
echo
echo "s2pg run memory, $(date -u +%Y-%m-%d), $SOAK_MINUTES minutes at 2,000 rows/s, $(nproc) cores"
echo
echo "| RSS at 1 min | at 5 min | at the end | peak | growth after 5 min | goal | met |"
echo "|--------------|----------|------------|------|--------------------|------|-----|"
printf '| %8.1f MiB | %4.1f MiB | %6.1f MiB | %4.1f MiB | %14.1f MiB | flat (< 10%% of the 5-min RSS) | %s |\n' \
  "$(calc "$(rss_at 60) / 1024")" "$(calc "$early / 1024")" "$(calc "$late / 1024")" "$(calc "$peak / 1024")" \
  "$(calc "($late - $early) / 1024")" "$(awk -v a="$early" -v b="$late" 'BEGIN { print (b - a <= a * 0.1) ? "yes" : "NO" }')"
echo
echo "Sampled every 10 s from /proc (VmRSS), /metrics scraped at each sample; verify afterwards: $exact"
fi
