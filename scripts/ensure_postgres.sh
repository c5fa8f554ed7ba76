#!/usr/bin/env bash
# Make sure a PostgreSQL server answers for the PostgreSQL tests (tests/postgres and the
# PostgreSQL half of tests/contract).
#
# When nothing answers on 127.0.0.1:5432, try to start the local Debian cluster(s) with
# pg_ctlcluster. Nothing is installed. Exits non-zero only when DASHBOARD_REQUIRE_POSTGRES=1
# and no server answers; otherwise the PostgreSQL tests skip with a message.
set -euo pipefail

HOST=127.0.0.1
PORT=5432

answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$HOST" -p "$PORT"
    else
        # Without the client tools, an open TCP port is the best sign available.
        (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
    fi
}

if answers; then
    exit 0
fi

reason="no PostgreSQL answers on $HOST:$PORT"
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    for version_dir in /etc/postgresql/*/; do
        version=$(basename "$version_dir")
        for cluster_dir in "$version_dir"*/; do
            [ -f "${cluster_dir}postgresql.conf" ] || continue
            cluster=$(basename "$cluster_dir")
            echo "ensure_postgres: starting cluster $version/$cluster" >&2
            pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2 || true
        done
    done
    for _ in $(seq 1 20); do
        if answers; then
            exit 0
        fi
        sleep 0.5
    done
    reason="$reason, and pg_ctlcluster could not start one"
else
    reason="$reason, and there is no local cluster to start (apt-get install postgresql)"
fi

if [ "${DASHBOARD_REQUIRE_POSTGRES:-}" = "1" ]; then
    echo "ensure_postgres: $reason; DASHBOARD_REQUIRE_POSTGRES=1, so the PostgreSQL tests would fail" >&2
    exit 1
fi
echo "ensure_postgres: $reason; the PostgreSQL tests will skip" >&2
