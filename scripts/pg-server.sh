#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite and print its URL.
#   scripts/pg-server.sh start DIR   -> prints postgresql://… on stdout
#   scripts/pg-server.sh stop DIR
# Installs PostgreSQL from Debian's packages when it is missing and we are root.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data folder}
if [ -n "${PARTSDESK_PG_PORT:-}" ]; then port=$PARTSDESK_PG_PORT
else port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); fi

find_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

if [ "$cmd" = stop ]; then
    bin=$(find_bin) || exit 0
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    else "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; fi
    exit 0
fi

if ! bin=$(find_bin); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing PostgreSQL from Debian's packages…" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql postgresql-contrib >&2
        bin=$(find_bin)
    else
        echo "PostgreSQL is not installed: sudo apt-get install postgresql postgresql-contrib" >&2
        exit 1
    fi
fi

as_owner=()
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    as_owner=(runuser -u postgres --)
fi
mkdir -p "$dir"
chmod 777 "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U partsdesk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
"$bin/psql" -h 127.0.0.1 -p "$port" -U partsdesk -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='partsdesk_test'" | grep -q 1 \
    || "$bin/createdb" -h 127.0.0.1 -p "$port" -U partsdesk partsdesk_test
echo "postgresql://partsdesk@127.0.0.1:$port/partsdesk_test"
