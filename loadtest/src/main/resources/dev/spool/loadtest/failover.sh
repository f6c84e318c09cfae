#!/usr/bin/env bash
# chaos --fault failover: two scratch PostgreSQL 15 clusters of the load tester's own, a primary and a standby
# streaming from it with synchronous replication, on this machine (run as root). The shared server on
# 5432 is never touched: only the clusters named here are created, stopped, promoted and dropped.
#
#   failover.sh setup PRIMARY_PORT STANDBY_PORT   create both, the standby caught up and synchronous
#   failover.sh fail                              stop the primary at once (-m immediate: a crash)
#   failover.sh promote                           promote the standby to primary
#   failover.sh teardown                          stop and drop both (also when they half exist)
set -euo pipefail

VERSION=15
PRIMARY=chaosprimary
STANDBY=chaosstandby

exists() { pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $1"; }

teardown() {
  for c in "$STANDBY" "$PRIMARY"; do
    if exists "$c"; then
      pg_dropcluster "$VERSION" "$c" --stop
    fi
    # pg_dropcluster leaves files it did not make (our conf.d/chaos.conf), and with them the directory
    rm -f "/etc/postgresql/$VERSION/$c/conf.d/chaos.conf"
    rmdir "/etc/postgresql/$VERSION/$c/conf.d" "/etc/postgresql/$VERSION/$c" 2>/dev/null || true
  done
}

setup() {
  local pport=$1 sport=$2
  teardown
  pg_createcluster "$VERSION" "$PRIMARY" -p "$pport" >/dev/null
  local conf=/etc/postgresql/$VERSION/$PRIMARY
  # trust on loopback only, as the shared server has it: scratch clusters for a test on this machine
  cat > "$conf/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
HBA
  # In the primary's own config (under /etc, so pg_basebackup does not copy it to the standby): once
  # promoted, the standby must not wait for a synchronous standby of its own that does not exist.
  cat > "$conf/conf.d/chaos.conf" <<CONF
listen_addresses = '127.0.0.1'
shared_buffers = 64MB
max_connections = 200
wal_level = replica
synchronous_standby_names = '$STANDBY'
synchronous_commit = on
CONF
  pg_ctlcluster "$VERSION" "$PRIMARY" start

  pg_createcluster "$VERSION" "$STANDBY" -p "$sport" >/dev/null
  local sconf=/etc/postgresql/$VERSION/$STANDBY
  cp "$conf/pg_hba.conf" "$sconf/pg_hba.conf"
  cat > "$sconf/conf.d/chaos.conf" <<CONF
listen_addresses = '127.0.0.1'
shared_buffers = 64MB
max_connections = 200
hot_standby = on
CONF
  local data=/var/lib/postgresql/$VERSION/$STANDBY
  # emptied, not removed: the directory is postgres's, its parent root's
  pg_ctlcluster "$VERSION" "$STANDBY" stop >/dev/null 2>&1 || true
  find "$data" -mindepth 1 -delete
  runuser -u postgres -- pg_basebackup -d "host=127.0.0.1 port=$pport user=postgres" -D "$data" -X stream -R -c fast
  # the name synchronous_standby_names waits for
  echo "primary_conninfo = 'host=127.0.0.1 port=$pport user=postgres application_name=$STANDBY'" \
    | runuser -u postgres -- tee -a "$data/postgresql.auto.conf" >/dev/null
  pg_ctlcluster "$VERSION" "$STANDBY" start
  for _ in $(seq 1 100); do
    state=$(psql -h 127.0.0.1 -p "$pport" -U postgres -Atc \
      "select sync_state from pg_stat_replication where application_name = '$STANDBY'" 2>/dev/null || true)
    if [ "$state" = "sync" ]; then
      echo "standby $STANDBY on $sport streams synchronously from $PRIMARY on $pport"
      return 0
    fi
    sleep 0.2
  done
  echo "the standby did not become a synchronous standby in 20 s" >&2
  exit 1
}

case "${1:-}" in
  setup) setup "$2" "$3" ;;
  fail) pg_ctlcluster "$VERSION" "$PRIMARY" stop -m immediate ;;
  promote) pg_ctlcluster "$VERSION" "$STANDBY" promote ;;
  teardown) teardown ;;
  *) echo "usage: failover.sh setup PRIMARY_PORT STANDBY_PORT | fail | promote | teardown" >&2; exit 2 ;;
esac
