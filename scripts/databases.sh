#!/usr/bin/env bash
# Local databases for s2pg's tests and demo: MariaDB (the SingleStore stand-in) and PostgreSQL 15, on
# 127.0.0.1 at their own ports, with data in a temporary directory, plus a second, small MariaDB that
# speaks TLS (a self-signed certificate for 127.0.0.1) for the tests of TLS connections. Installs what is
# missing.
#
#   scripts/databases.sh up      start both (idempotent), create users and databases
#   scripts/databases.sh env     print the environment variables the tests and the demo read
#   scripts/databases.sh down    stop both, by PID, and remove their data
#   scripts/databases.sh status  exit 0 when both are running
set -euo pipefail

DIR=${S2PG_DB_DIR:-/tmp/s2pg-databases}
MARIADB_PORT=${S2PG_MARIADB_PORT:-13306}
MARIADB_TLS_PORT=${S2PG_MARIADB_TLS_PORT:-13307}
POSTGRES_PORT=${S2PG_POSTGRES_PORT:-15432}
# Local test credentials only: the same ones configuration.json uses.
PASSWORD=s2pg-local
PGBIN=/usr/lib/postgresql/15/bin

log() { printf 'databases: %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
  [ -f /usr/include/mariadb/mysql.h ] || missing+=(libmariadb-dev)
  [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
  [ -x "$PGBIN/initdb" ] || missing+=(postgresql-15)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client-15)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # On a new machine apt's lists are empty: update once and try again.
  apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
}

# A server is running when the PID in its pid file is alive and is that server (a PID left by a crash
# may since belong to another process).
running() {
  [ -f "$1" ] || return 1
  local pid
  pid=$(head -n 1 "$1")
  kill -0 "$pid" 2>/dev/null && grep -qE '^(mariadbd|mysqld|postgres)$' "/proc/$pid/comm" 2>/dev/null &&
    [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

mariadb_root() { local home=$1; shift; mariadb --no-defaults --socket="$home/mariadb.sock" -uroot "$@"; }

# mariadb_up NAME PORT [mariadbd options]: a server with its data in $DIR/NAME.
mariadb_up() {
  local home="$DIR/$1" port=$2
  shift 2
  if running "$home/mariadbd.pid"; then log "MariaDB already running on port $port"; return 0; fi
  rm -f "$home/mariadbd.pid"
  mkdir -p "$home/data"
  chown -R mysql:mysql "$home"
  if [ ! -d "$home/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$home/data" --user=mysql \
      --auth-root-authentication-method=socket >"$home/install.log" 2>&1 ||
      { cat "$home/install.log" >&2; exit 1; }
  fi
  mariadbd --no-defaults --datadir="$home/data" --user=mysql --bind-address=127.0.0.1 --port="$port" \
    --socket="$home/mariadb.sock" --pid-file="$home/mariadbd.pid" --log-error="$home/error.log" \
    --skip-name-resolve --max-allowed-packet=256M \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci "$@" >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    mariadb_root "$home" -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb_root "$home" -e 'SELECT 1' >/dev/null 2>&1 || { cat "$home/error.log" >&2; log "MariaDB did not start"; exit 1; }
  mariadb_root "$home" <<SQL
CREATE USER IF NOT EXISTS 's2pg'@'%' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 's2pg'@'%' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4;
SQL
  log "MariaDB $(mariadb_root "$home" -N -e 'SELECT VERSION()') on 127.0.0.1:$port"
}

# A self-signed certificate for 127.0.0.1, made once, for the TLS server; the tests trust it as their CA.
# other.pem is an unrelated one, a CA that did not sign the server's certificate.
tls_certificate() {
  local tls="$DIR/mariadb-tls/tls"
  [ -f "$tls/other.pem" ] && return 0
  mkdir -p "$tls"
  local subject=(-x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1")
  openssl req "${subject[@]}" -keyout "$tls/key.pem" -out "$tls/cert.pem" >/dev/null 2>&1
  openssl req "${subject[@]}" -keyout "$tls/other-key.pem" -out "$tls/other.pem" >/dev/null 2>&1
  chown -R mysql:mysql "$DIR/mariadb-tls"
}

postgres_up() {
  local home="$DIR/postgres"
  if running "$home/data/postmaster.pid"; then log "PostgreSQL already running on port $POSTGRES_PORT"; return 0; fi
  rm -f "$home/data/postmaster.pid"  # left by a server that was killed
  mkdir -p "$home"
  chown postgres:postgres "$home"
  chmod 700 "$home"
  if [ ! -f "$home/data/PG_VERSION" ]; then
    printf '%s\n' "$PASSWORD" >"$home/pwfile"
    chown postgres:postgres "$home/pwfile"
    runuser -u postgres -- "$PGBIN/initdb" -D "$home/data" -U postgres --pwfile="$home/pwfile" \
      --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$home/initdb.log" 2>&1 ||
      { cat "$home/initdb.log" >&2; exit 1; }
    rm -f "$home/pwfile"
  fi
  # Postgres refuses to run as root: it runs as the postgres OS user.
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$home/data" -l "$home/postgres.log" -w -t 60 \
    -o "-p $POSTGRES_PORT -k $home -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null ||
    { cat "$home/postgres.log" >&2; exit 1; }
  if [ "$(PGPASSWORD=$PASSWORD psql -X -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'mirror'")" != 1 ]; then
    PGPASSWORD=$PASSWORD psql -X -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -c 'CREATE DATABASE mirror'
  fi
  log "PostgreSQL $(PGPASSWORD=$PASSWORD psql -X -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -tAc 'SHOW server_version') on 127.0.0.1:$POSTGRES_PORT"
}

stop_pid() {
  local pidfile=$1 name=$2
  running "$pidfile" || return 0
  local pid
  pid=$(head -n 1 "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || { log "$name stopped"; return 0; }; sleep 0.5; done
  log "$name (pid $pid) did not stop in 60 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  up)
    install_packages
    mkdir -p "$DIR"
    chmod 755 "$DIR"
    mariadb_up mariadb "$MARIADB_PORT" --innodb-buffer-pool-size=512M --max-connections=500
    tls_certificate
    mariadb_up mariadb-tls "$MARIADB_TLS_PORT" --innodb-buffer-pool-size=32M \
      --ssl-cert="$DIR/mariadb-tls/tls/cert.pem" --ssl-key="$DIR/mariadb-tls/tls/key.pem"
    postgres_up
    ;;
  down)
    stop_pid "$DIR/mariadb/mariadbd.pid" MariaDB
    stop_pid "$DIR/mariadb-tls/mariadbd.pid" "MariaDB (TLS)"
    stop_pid "$DIR/postgres/data/postmaster.pid" PostgreSQL
    rm -rf "$DIR"
    ;;
  status)
    running "$DIR/mariadb/mariadbd.pid" && running "$DIR/mariadb-tls/mariadbd.pid" && running "$DIR/postgres/data/postmaster.pid"
    ;;
  env)
    cat <<ENV
export S2PG_MARIADB_HOST=127.0.0.1
export S2PG_MARIADB_PORT=$MARIADB_PORT
export S2PG_MARIADB_USER=s2pg
export S2PG_MARIADB_PASSWORD=$PASSWORD
export S2PG_MARIADB_TLS_PORT=$MARIADB_TLS_PORT
export S2PG_MARIADB_TLS_CA=$DIR/mariadb-tls/tls/cert.pem
export S2PG_MARIADB_TLS_OTHER_CA=$DIR/mariadb-tls/tls/other.pem
export S2PG_POSTGRES_HOST=127.0.0.1
export S2PG_POSTGRES_PORT=$POSTGRES_PORT
export S2PG_POSTGRES_USER=postgres
export S2PG_POSTGRES_PASSWORD=$PASSWORD
export S2PG_POSTGRES_DATABASE=mirror
ENV
    ;;
  *)
    echo "usage: $0 up|down|env|status" >&2
    exit 2
    ;;
esac
