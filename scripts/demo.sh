#!/usr/bin/env bash
# The main job end to end on the local databases: start them, seed a sample shop in MariaDB (the
# SingleStore stand-in), build s2pg, check both connections and create s2pg's state schema.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /opt/swift/usr/bin/swift ] && ! command -v swift >/dev/null 2>&1 && export PATH=/opt/swift/usr/bin:$PATH

scripts/databases.sh up
eval "$(scripts/databases.sh env)"
echo "== seeding the sample shop database"
MYSQL_PWD=$S2PG_MARIADB_PASSWORD mariadb --no-defaults --default-character-set=utf8mb4 -h "$S2PG_MARIADB_HOST" -P "$S2PG_MARIADB_PORT" \
  -u "$S2PG_MARIADB_USER" shop <scripts/sample/shop.sql
echo "== building s2pg (release)"
swift build -c release --product s2pg
s2pg=$(swift build -c release --show-bin-path)/s2pg
echo "== s2pg check"
"$s2pg" check --config configuration.json
echo "== s2pg migrate"
"$s2pg" migrate --config configuration.json
echo
echo "Done. The databases keep running; stop them with: scripts/databases.sh down"
