#!/usr/bin/env bash
# MANUAL fault drill, never part of the test run: restarts the REAL PostgreSQL server of this machine in the middle
# of sustained ingest into a locally started record-outcome, then checks that nothing acknowledged was lost or
# counted twice. The tests play the same fault behind a proxy (DatabaseRestartTest) because the shared server must
# not be restarted under other people's tests: run this only on a machine where nothing else uses PostgreSQL.
#
#   bench/fault-restart.sh --yes [seconds-before] [seconds-down] [clients]      (defaults 10 5 16)
#   bench/fault-restart.sh --dry-run …   everything but the restart (checks the drill itself; safe on a shared box)
#
# Needs root (or sudo) for pg_ctlcluster. Builds unless SKIP_BUILD=1; uses database run_metrics_fault (recreated)
# and port 18083. Refuses to run while other databases have sessions (FORCE=1 overrides).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-}
if [ "$MODE" != "--yes" ] && [ "$MODE" != "--dry-run" ]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  echo "This restarts the machine's PostgreSQL server. Pass --yes to do it (or --dry-run)." >&2
  exit 2
fi
shift
BEFORE=${1:-10}
DOWN=${2:-5}
CLIENTS=${3:-16}
DB=run_metrics_fault
PORT=18083
SECRET=fault-drill-secret-with-at-least-32-characters
STATE=bench/.state
mkdir -p "$STATE"
PSQL="psql -h 127.0.0.1 -U postgres -Atq"
VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bash infra/local/ensure-postgres.sh >/dev/null
others=$($PSQL -d postgres -c "select count(*) from pg_stat_activity where backend_type = 'client backend'
  and datname is not null and datname not in ('$DB') and pid <> pg_backend_pid()")
if [ "$MODE" = --yes ] && [ "$others" != 0 ] && [ "${FORCE:-}" != 1 ]; then
  echo "$others other sessions are using this PostgreSQL server (tests, a local run?); not restarting it." >&2
  echo "Stop them first, or FORCE=1 if you are sure." >&2
  exit 1
fi

[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -B -q -DskipTests package -pl src/db-migrate,src/record-outcome,src/engine-simulator -am
$PSQL -d postgres -c "drop database if exists $DB with (force)" -c "create database $DB"
java -jar src/db-migrate/target/db-migrate-*-cli.jar "jdbc:postgresql://127.0.0.1:5432/$DB" postgres "" >/dev/null
PROJECT=$(cat /proc/sys/kernel/random/uuid)
$PSQL -d $DB -c "insert into projects (id, owner, name) values ('$PROJECT', gen_random_uuid(), 'fault drill')"

. bench/lib.sh
TOKEN=$(jwt '"role":"service_role"')

start_function record-outcome "$PORT"
FN=$FN_PID
trap 'kill $FN 2>/dev/null || true' EXIT

# Engines posting single runs and retrying every refusal with the same run ids, for the whole drill
TOTAL=$((BEFORE + DOWN + 15))
RECORD_URL=http://127.0.0.1:$PORT SERVICE_TOKEN=$TOKEN PROJECT=$PROJECT CLIENTS=$CLIENTS SECONDS=$TOTAL BATCH=1 \
  WORKFLOWS=50 RETRY=1 ACKED_FILE="$STATE/fault-acked.txt" \
  java -cp src/engine-simulator/target/engine-simulator-*.jar io.meshhook.metrics.simulator.IngestLoad \
  >"$STATE/fault-load.txt" &
LOAD=$!

sleep "$BEFORE"
if [ "$MODE" = --yes ]; then
  echo "restarting PostgreSQL $VERSION (down for ${DOWN}s)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" main stop -m fast
  sleep "$DOWN"
  as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start
else
  echo "dry run: not restarting PostgreSQL"
  sleep "$DOWN"
fi
during=$(curl -s -o /dev/null -w '%{http_code}' "localhost:$PORT/q/health/live")
wait "$LOAD"
cat "$STATE/fault-load.txt"

acked=$(sort -u "$STATE/fault-acked.txt" | grep -c . || true)
$PSQL -d $DB -c "create table fault_acked (run_id uuid primary key)"
$PSQL -d $DB -c "\\copy fault_acked from '$STATE/fault-acked.txt'"
ledger=$($PSQL -d $DB -c "select count(*) from workflow_run_outcome_keys where project_id = '$PROJECT'")
raw=$($PSQL -d $DB -c "select count(*) from workflow_run_outcomes where project_id = '$PROJECT'")
counted=$($PSQL -d $DB -c "select coalesce(sum(success_count + failure_count + canceled_count), 0)
  from workflow_run_metrics where project_id = '$PROJECT'")
missing=$($PSQL -d $DB -c "select count(*) from fault_acked a where not exists
  (select 1 from workflow_run_outcome_keys k where k.run_id = a.run_id)")
drift=$($PSQL -d $DB -c "select count(*) from run_metrics_reconcile(interval '30 days', false)")
# every answer but 200 and 503 (e.g. 500, or 0: no answer within 30 s) is a failure of the drill
errors=$(grep 'answers by status' "$STATE/fault-load.txt" | grep -oE '[0-9]+=[0-9]+' | grep -vE '^(200|503)=' \
  | paste -sd, - || true)
serving=$(curl -s -o /dev/null -w '%{http_code}' "localhost:$PORT/q/health/ready")

echo
echo "| check | value |"
echo "|---|---|"
echo "| runs acknowledged (distinct) | $acked |"
echo "| in the ledger / raw / counters | $ledger / $raw / $counted |"
echo "| acknowledged but missing from the ledger | $missing |"
echo "| run_metrics_reconcile drift rows | $drift |"
echo "| answers other than 200 and 503 | ${errors:-none} |"
echo "| liveness right after the restart / readiness at the end | $during / $serving |"
[ "$acked" = "$ledger" ] && [ "$ledger" = "$raw" ] && [ "$raw" = "$counted" ] && [ "$missing" = 0 ] \
  && [ "$drift" = 0 ] && [ -z "$errors" ] && [ "$serving" = 200 ]
