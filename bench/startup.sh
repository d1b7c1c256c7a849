#!/usr/bin/env bash
# Start-up and memory benchmark (not part of the test run): for each function in JVM mode, the time from launching
# the process to its first answered request (the health endpoint, which on metrics-api and threshold-evaluator
# includes a database round trip) and RSS when idle after that, without and with the AppCDS archive made at
# package time, and with C1 only (faster start, lower peak throughput). ROUNDS starts each.
#   Usage: bench/startup.sh [rounds]       SKIP_BUILD=1 to reuse the build
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
DB=run_metrics_bench
SECRET=bench-secret-with-at-least-32-characters-ok
STATE=bench/.state
mkdir -p "$STATE"
. bench/lib.sh

bash infra/local/ensure-postgres.sh >/dev/null
[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -B -q -DskipTests package
psql -h 127.0.0.1 -U postgres -Atqc "select 1 from pg_database where datname = '$DB'" | grep -q 1 \
  || { psql -h 127.0.0.1 -U postgres -qc "create database $DB"; \
       java -jar src/db-migrate/target/db-migrate-*-cli.jar "jdbc:postgresql://127.0.0.1:5432/$DB" postgres "" >/dev/null 2>&1; }

echo "| function | JVM options | start → first answer (median of $ROUNDS) | min | max | RSS idle |"
echo "|---|---|---|---|---|---|"
port=18181
for fn in record-outcome metrics-api threshold-evaluator; do
  for opts in "-Xshare:auto" "-XX:SharedArchiveFile=app-cds.jsa" "-XX:SharedArchiveFile=app-cds.jsa -XX:TieredStopAtLevel=1"; do
    times=()
    for _ in $(seq 1 "$ROUNDS"); do
      t0=$(date +%s%N)
      (cd "src/$fn/target/quarkus-app" && SUPABASE_JWT_SECRET=$SECRET \
        RUN_METRICS_DB_URL=postgresql://127.0.0.1:5432/$DB exec java $opts -Dquarkus.http.port=$port \
        -Drun-metrics.evaluator.scheduler-enabled=false -jar quarkus-run.jar) >"$STATE/startup-$fn.log" 2>&1 &
      pid=$!
      until curl -fs -o /dev/null "localhost:$port/q/health/ready"; do sleep 0.01; done
      t1=$(date +%s%N)
      times+=($(( (t1 - t0) / 1000000 )))
      sleep 2
      idle=$(rss $pid)
      kill $pid; wait $pid 2>/dev/null || true
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    echo "| $fn | \`$opts\` | ${sorted[$((ROUNDS / 2))]} ms | ${sorted[0]} ms | ${sorted[-1]} ms | $idle |"
  done
done
