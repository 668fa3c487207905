#!/usr/bin/env bash
# The main job end to end on the local databases: start them, seed a sample shop in MariaDB (the
# SingleStore stand-in), build s2pg, sync it into PostgreSQL, change the source, sync again, and show
# status and verify.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /opt/swift/usr/bin/swift ] && ! command -v swift >/dev/null 2>&1 && export PATH=/opt/swift/usr/bin:$PATH

scripts/databases.sh up
eval "$(scripts/databases.sh env)"
source_sql() {
  MYSQL_PWD=$S2PG_MARIADB_PASSWORD mariadb --no-defaults --default-character-set=utf8mb4 -h "$S2PG_MARIADB_HOST" \
    -P "$S2PG_MARIADB_PORT" -u "$S2PG_MARIADB_USER" shop "$@"
}
echo "== seeding the sample shop database (MariaDB, standing in for SingleStore)"
source_sql <scripts/sample/shop.sql
# A fresh mirror each time the demo runs.
PGPASSWORD=$S2PG_POSTGRES_PASSWORD psql -X -q -h "$S2PG_POSTGRES_HOST" -p "$S2PG_POSTGRES_PORT" -U "$S2PG_POSTGRES_USER" \
  -d "$S2PG_POSTGRES_DATABASE" -c 'DROP SCHEMA IF EXISTS s2pg CASCADE; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public' 2>/dev/null

echo "== building s2pg (release)"
swift build -c release --product s2pg
s2pg=$(swift build -c release --show-bin-path)/s2pg
run() { echo; echo "\$ s2pg $*"; "$s2pg" "$@" --config configuration.json; }

run check
run discover
run sync
echo
echo "== changing the source: 50 orders paid, 2 new customers, a product deleted"
source_sql -e "UPDATE orders SET status = 'paid', updated_at = NOW(6) WHERE id <= 50;
  INSERT INTO customers VALUES (1001, 'Ada', 'ada@example.com', NOW(6), NOW(6)), (1002, 'Grace', NULL, NOW(6), NOW(6));
  DELETE FROM products WHERE sku = 'SKU-7';"
run sync
run status
run verify
echo
echo "Done. The databases keep running; stop them with: scripts/databases.sh down"
