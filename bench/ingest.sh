#!/usr/bin/env bash
# Ingest benchmark (not part of the test run): the raw-SQL baseline (pgbench running exactly the statement one
# recordOutcome runs, one run per transaction) beside record-outcome over HTTP (single runs and batches of 100),
# spread over 1,000 workflows and on one hot workflow, at the same concurrency; then checks that every
# acknowledged run was counted exactly once. Prints a table.   Usage: bench/ingest.sh [seconds] [clients]
#   WARMUP_SECONDS=30: unmeasured load after each start of the function (its JIT warm-up)
#   AFTER_MIGRATE_SQL: statements run on the new database after the migrations (e.g. drop an index to price it)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
CLIENTS=${2:-64}
DB=run_metrics_bench
SECRET=bench-secret-with-at-least-32-characters-ok
PSQL="psql -h 127.0.0.1 -U postgres -d $DB -Atq"
STATE=bench/.state
mkdir -p "$STATE"

bash infra/local/ensure-postgres.sh >/dev/null
[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -B -q -DskipTests install
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB with (force)" -c "create database $DB"
java -jar src/db-migrate/target/db-migrate-*-cli.jar "jdbc:postgresql://127.0.0.1:5432/$DB" postgres "" >/dev/null
[ -z "${AFTER_MIGRATE_SQL:-}" ] || $PSQL -c "$AFTER_MIGRATE_SQL"

. bench/lib.sh
TOKEN=$(jwt '"role":"service_role"')

# The record statement exactly as the function runs it, with one random run per transaction.
javap -constants -cp src/data/target/classes io.meshhook.metrics.data.outcome.OutcomeSql \
  | python3 bench/record_sql.py > "$STATE/record.sql"

PROJECT_SQL=$(uuidgen 2>/dev/null || cat /proc/sys/kernel/random/uuid)
PROJECT_HTTP=$(cat /proc/sys/kernel/random/uuid)
$PSQL -c "insert into projects (id, owner, name) values ('$PROJECT_SQL', gen_random_uuid(), 'bench sql'),
  ('$PROJECT_HTTP', gen_random_uuid(), 'bench http')"
$PSQL -c "select run_metrics_ensure_outcome_partition(now())" >/dev/null

start_function record-outcome 18081 -Dquarkus.datasource.reactive.max-size=32 ${RECORD_OPTS:-}
FN=$FN_PID
trap 'kill $FN 2>/dev/null || true' EXIT

rows=()
baseline() { # label workflows
  local tps
  # with the settings the function's connections have (jit=off)
  tps=$(PGOPTIONS="-c jit=off" pgbench -h 127.0.0.1 -U postgres -n -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$STATE/record.sql" \
    -D project="$PROJECT_SQL" -D workflows="$2" "$DB" 2>/dev/null | awk '/^tps/ {print int($3)}')
  rows+=("$(printf '| raw SQL (pgbench), %s | %s | %s runs/s | – | – |' "$1" "$CLIENTS" "$tps")")
}
# The load generator runs on the same two cores: C1 only and the serial collector keep its own JIT and GC from
# taking a core (its default JVM spent more CPU compiling than the function spent serving). Each run starts with
# WARMUP seconds of the same load that are not measured.
load() { # seconds workflows batch rate warmup
  RECORD_URL=http://127.0.0.1:18081 SERVICE_TOKEN=$TOKEN PROJECT=$PROJECT_HTTP CLIENTS=$CLIENTS SECONDS=$1 \
    WORKFLOWS=$2 BATCH=$3 RATE=$4 WARMUP=$5 java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -cp src/engine-simulator/target/engine-simulator-*.jar io.meshhook.metrics.simulator.IngestLoad
}
# A freshly started JVM compiles the record path for its first ~20 s; a deployed function serves warm (and a native
# one has no JIT at all). Every run acknowledged here is counted by the exactly-once check at the end.
warm_up() {
  local out
  out=$(load "$WARMUP_SECONDS" 1000 1 0 0 | grep '^clients=')
  acked=$((acked + $(echo "$out" | sed -E 's/.*acknowledged=([0-9]+).*/\1/')))
}
http() { # label workflows batch [rate]
  local out
  out=$(load "$SECONDS_EACH" "$2" "$3" "${4:-0}" 3)
  echo "$out" >&2
  out=$(echo "$out" | grep '^clients=') # the figures' line (a line of answers by status may follow it)
  rows+=("$(echo "$out" | sed -E "s/.*runs\/s=([0-9]+) p50=([0-9.]+ms) p99=([0-9.]+ms).*/| record-outcome, $1 | $CLIENTS | \1 runs\/s | \2 | \3 |/")")
  acked=$((acked + $(echo "$out" | sed -E 's/.*acknowledged=([0-9]+).*/\1/')))
}
acked=0
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
baseline "spread over 1,000 workflows" 1000
baseline "one hot workflow" 1
warm_up
http "single runs, spread" 1000 1
spread_max=$(echo "${rows[-1]}" | sed -E 's/.*\| ([0-9]+) runs\/s.*/\1/')
http "single runs, hot" 1 1
http "batches of 100, spread" 1000 100
http "single runs, spread, paced at half the maximum, $((spread_max / 2)) a second" 1000 1 $((spread_max / 2))

loaded_rss=$(rss $FN)

# the same function with group commit off: one transaction per request, as the SQL baseline runs
kill $FN; wait $FN 2>/dev/null || true
start_function record-outcome 18081 -Dquarkus.datasource.reactive.max-size=32 -Drun-metrics.ingest.group-commit=false ${RECORD_OPTS:-}
FN=$FN_PID
warm_up
http "single runs, spread, group commit off" 1000 1
http "single runs, hot, group commit off" 1 1

counted=$($PSQL -c "select count(*) from workflow_run_outcome_keys where project_id = '$PROJECT_HTTP'")
counters=$($PSQL -c "select coalesce(sum(success_count + failure_count), 0) from workflow_run_metrics where project_id = '$PROJECT_HTTP'")
echo
echo "| run | clients | throughput | p50 | p99 |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "record-outcome RSS after the group-commit runs: $loaded_rss"
echo "acknowledged $acked, in the ledger $counted, in the counters $counters (must be equal)"
[ "$acked" = "$counted" ] && [ "$counted" = "$counters" ]
