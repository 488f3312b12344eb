#!/usr/bin/env bash
# `make services`: install and start the services Sodan's PostgreSQL tests, the benchmark
# and a production-like run expect on a Debian machine:
#   - PostgreSQL on 127.0.0.1:5432, trust authentication for local TCP connections (127.0.0.1
#     and ::1; user postgres), for development and CI machines only; ready to stream to a
#     replica on the same machine (wal_level=replica, WAL senders, trusted local replication
#     connections), which the replica-router tests create with pg_basebackup;
#   - Redis on 127.0.0.1:6379, without persistence.
# Packages come from Debian (apt-get) when missing. Safe to run again: what is installed,
# configured and running is left alone, so a second run only checks and says so.
# Needs root or sudo.
set -euo pipefail

PG_PORT=5432
REDIS_PORT=6379

say() { echo "services: $*"; }

SUDO=""
if [ "$(id -u)" != "0" ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        say "needs root or sudo to install and start PostgreSQL and Redis" >&2
        exit 1
    fi
    SUDO="sudo"
fi

# --- Packages ---------------------------------------------------------------------------
newest_postgres() {
    # The newest PostgreSQL server installed (Debian puts each major version apart).
    local bin
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        if [ -x "$bin" ]; then basename "$(dirname "$(dirname "$bin")")"; fi
    done | sort -V | tail -n 1
}

missing=()
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(newest_postgres)" ]; then
    missing+=(postgresql)
fi
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    missing+=(redis-server)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    $SUDO apt-get update -qq
    # A UTF-8 locale, so the cluster the package creates stores UTF-8 (not SQL_ASCII).
    $SUDO env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PG_VERSION="$(newest_postgres)"
if [ -z "$PG_VERSION" ]; then
    say "no PostgreSQL server found under /usr/lib/postgresql after installing it" >&2
    exit 1
fi
say "installed: PostgreSQL $PG_VERSION, $(redis-server --version | awk '{print $1, $2, $3}')"

# --- PostgreSQL cluster -----------------------------------------------------------------
# The cluster serving port 5432, whatever its version; a new one when there is none.
read -r PG_CLUSTER_VERSION PG_CLUSTER_NAME < <(
    pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2; exit}'
) || true
if [ -z "${PG_CLUSTER_VERSION:-}" ]; then
    PG_CLUSTER_VERSION="$PG_VERSION"
    PG_CLUSTER_NAME="main"
    say "creating PostgreSQL cluster $PG_CLUSTER_VERSION/$PG_CLUSTER_NAME on port $PG_PORT"
    $SUDO pg_createcluster --locale C.UTF-8 --port "$PG_PORT" \
        "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" >/dev/null
fi
CLUSTER="$PG_CLUSTER_VERSION/$PG_CLUSTER_NAME"
HBA="/etc/postgresql/$PG_CLUSTER_VERSION/$PG_CLUSTER_NAME/pg_hba.conf"

# Trust for local TCP connections: rewrite the method of the "host all all" and
# "host replication all" lines for 127.0.0.1/32 and ::1/128, and put them first when the
# file has none (first match wins).
hba_before="$($SUDO cat "$HBA")"
hba_after="$(printf '%s\n' "$hba_before" | sed -E \
    -e 's#^(host[[:space:]]+(all|replication)[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+)[^[:space:]]+.*$#\1trust#' \
    -e 's#^(host[[:space:]]+(all|replication)[[:space:]]+all[[:space:]]+::1/128[[:space:]]+)[^[:space:]]+.*$#\1trust#')"
for database in replication all; do
    for address in ::1/128 127.0.0.1/32; do
        if ! printf '%s\n' "$hba_after" | awk -v d="$database" -v a="$address" '$1 == "host" \
                && $2 == d && $3 == "all" && $4 == a && $5 == "trust" {found = 1} END {exit !found}'; then
            hba_after="$(printf 'host    %-15s all             %-23s trust\n%s' \
                "$database" "$address" "$hba_after")"
        fi
    done
done
hba_changed=0
if [ "$hba_after" != "$hba_before" ]; then
    printf '%s\n' "$hba_after" | $SUDO tee "$HBA" >/dev/null
    hba_changed=1
    say "PostgreSQL $CLUSTER: trust for 127.0.0.1 and ::1 written to $HBA"
else
    say "PostgreSQL $CLUSTER: trust for 127.0.0.1 and ::1 already in $HBA"
fi

if $SUDO pg_ctlcluster "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" status >/dev/null 2>&1; then
    if [ "$hba_changed" = "1" ]; then
        say "PostgreSQL $CLUSTER: reloading its configuration"
        $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" reload
    fi
else
    say "PostgreSQL $CLUSTER: starting"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" start
fi
for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    say "PostgreSQL $CLUSTER does not answer on 127.0.0.1:$PG_PORT; see /var/log/postgresql/" >&2
    exit 1
fi
say "PostgreSQL $CLUSTER answers on 127.0.0.1:$PG_PORT (user postgres, trust)"

# Streaming replication from this primary (a replica made with pg_basebackup -R): WAL
# detailed enough for a standby and senders to stream it. Both need a restart to change.
pg_setting() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc "SHOW $1"; }
needs_restart=0
if [ "$(pg_setting wal_level)" = "minimal" ]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "ALTER SYSTEM SET wal_level = replica"
    needs_restart=1
fi
if [ "$(pg_setting max_wal_senders)" -lt 4 ]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "ALTER SYSTEM SET max_wal_senders = 10"
    needs_restart=1
fi
if [ "$needs_restart" = "1" ]; then
    say "PostgreSQL $CLUSTER: restarting for streaming replication"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_CLUSTER_VERSION" "$PG_CLUSTER_NAME" restart
    for _ in $(seq 1 60); do
        pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.5
    done
fi
say "PostgreSQL $CLUSTER streams to replicas: wal_level=$(pg_setting wal_level)," \
    "max_wal_senders=$(pg_setting max_wal_senders)"

# --- Redis ------------------------------------------------------------------------------
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
if ! redis_up; then
    say "Redis: starting redis-server on 127.0.0.1:$REDIS_PORT without persistence"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
        --save "" --appendonly no --dir "${TMPDIR:-/tmp}" >/dev/null
    for _ in $(seq 1 40); do
        redis_up && break
        sleep 0.25
    done
    if ! redis_up; then
        say "Redis does not answer on 127.0.0.1:$REDIS_PORT" >&2
        exit 1
    fi
fi
say "Redis answers on 127.0.0.1:$REDIS_PORT"
