#!/usr/bin/env bash
# Query benchmark (not part of the test run): builds the 10-million-outcome data set once (bench/dataset.sql; 1,000
# workflows, 20 projects, 90 days, consistent raw outcomes / counters / rollups, checked with reconcile), then
# times metrics-api's endpoints beside the equivalent raw aggregation (QueryBench), and the evaluation of 10,000
# alert rules by threshold-evaluator. Prints tables.
#   Usage: bench/queries.sh            RUNS=10000000 ITERATIONS=30 PREWARM=2000 (unmeasured requests per endpoint)
#                                      ONLY=hourly (only the scenarios whose name contains it)
#                                      REBUILD=1 (new data set) SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
DB=${BENCH_DB:-run_metrics_bench10m}
SECRET=bench-secret-with-at-least-32-characters-ok
OWNER=00000000-0000-4000-8000-0000000000b0
STATE=bench/.state
PSQL="psql -h 127.0.0.1 -U postgres -d $DB -Atq"
mkdir -p "$STATE"
. bench/lib.sh

bash infra/local/ensure-postgres.sh >/dev/null
[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -B -q -DskipTests package
have=$(psql -h 127.0.0.1 -U postgres -Atqc "select 1 from pg_database where datname = '$DB'")
if [ "${REBUILD:-}" = 1 ] || [ -z "$have" ] || [ "$($PSQL -c "select count(*) from workflow_run_outcome_keys")" != "$RUNS" ]; then
  echo "building the data set: $RUNS outcomes (takes minutes)"
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $DB with (force)" -c "create database $DB"
  java -jar src/db-migrate/target/db-migrate-*-cli.jar "jdbc:postgresql://127.0.0.1:5432/$DB" postgres "" >/dev/null 2>&1
  start=$(date +%s)
  psql -h 127.0.0.1 -U postgres -d "$DB" -q -v runs="$RUNS" -v workflows=1000 -v projects=20 -v days=90 \
    -v owner="$OWNER" -f bench/dataset.sql
  echo "data set written in $(( $(date +%s) - start )) s"
  echo "reconcile (raw outcomes vs counters, rollups and levels):"
  RUN_METRICS_RETENTION_OUTCOMES_DAYS=120 java -jar src/db-migrate/target/db-migrate-*-cli.jar reconcile \
    "jdbc:postgresql://127.0.0.1:5432/$DB" postgres "" 2>/dev/null | tail -1
fi
# the 365-day Kathmandu trend below reads local days (V7): kept by the first migrate, a no-op afterwards
RUN_METRICS_LOCAL_DAY_ZONES=Asia/Kathmandu java -jar src/db-migrate/target/db-migrate-*-cli.jar \
  "jdbc:postgresql://127.0.0.1:5432/$DB" postgres "" 2>/dev/null | grep "local days"
$PSQL -c "vacuum analyze workflow_run_rollups, workflow_run_rollups_hourly, workflow_run_rollups_daily,
          workflow_run_rollups_local_daily, workflow_run_metrics"
$PSQL -c "select pg_size_pretty(pg_database_size('$DB'))" | sed 's/^/database size: /'

PROJECT=$($PSQL -c "select md5('bench-project-0')::uuid")
WORKFLOW_ID=$($PSQL -c "select workflow_id from workflow_run_metrics where workflow_slug = 'workflow-0000' limit 1")
$PSQL -c "select 'busiest workflow: ' || count(*) || ' runs; its project: ' || (select count(*) from workflow_run_outcome_keys where project_id = '$PROJECT') || ' runs'
          from workflow_run_outcomes where project_id = '$PROJECT' and workflow_slug = 'workflow-0000'"
USER_TOKEN=$(jwt "\"sub\":\"$OWNER\",\"role\":\"authenticated\",\"aud\":\"authenticated\"")

# the warm-up requests (QueryBench's PREWARM, 2,000 per endpoint back to back) would exceed a user's budget of 50
# requests a second: the benchmark's one user gets a budget it cannot reach, so that every request is answered
start_function metrics-api 18082 -Drun-metrics.limits.user-rate=100000 -Drun-metrics.limits.user-burst=100000
API=$FN_PID
trap 'kill $API 2>/dev/null || true' EXIT
echo
API_URL=http://127.0.0.1:18082 USER_TOKEN=$USER_TOKEN PROJECT=$PROJECT WORKFLOW_ID=$WORKFLOW_ID \
  WORKFLOW_SLUG=workflow-0000 DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" ITERATIONS=${ITERATIONS:-30} \
  java -cp src/engine-simulator/target/engine-simulator-*.jar io.meshhook.metrics.simulator.QueryBench
echo "metrics-api RSS after the query runs: $(rss $API)"

echo
echo "Evaluation of 10,000 alert rules (9,980 on single workflows with windows of 5 min to 7 days, 20 on every"
echo "workflow of a project), threshold-evaluator over HTTP, scheduler off:"
$PSQL -c "delete from alert_rules where name like 'bench rule %'"
$PSQL -c "
  insert into alert_rules (project_id, name, workflow_slug, metric, operator, threshold, window_seconds, min_runs)
  select w.project_id, 'bench rule ' || g, w.workflow_slug,
      (array['failureRate', 'successRate', 'failures', 'runsBelow'])[1 + g % 4],
      (array['above', 'below', 'atLeast', 'below'])[1 + g % 4],
      (array[0.3, 0.5, 50, 1])[1 + g % 4],
      (array[300, 900, 3600, 86400, 604800])[1 + g / 4 % 5], 10
  from generate_series(0, 9979) g
  join (select project_id, workflow_slug, row_number() over (order by workflow_slug) - 1 as n
        from (select distinct project_id, workflow_slug from workflow_run_metrics) d) w on w.n = g % 1000;
  insert into alert_rules (project_id, name, workflow_slug, metric, operator, threshold, window_seconds, min_runs)
  select distinct project_id, 'bench rule project ' || project_id, null, 'failureRate', 'above', 0.3, 3600, 10
  from workflow_run_metrics;"
$PSQL -c "select count(*) || ' rules' from alert_rules where enabled"
SERVICE_TOKEN=$(jwt '"role":"service_role"')
start_function threshold-evaluator 18083 -Drun-metrics.evaluator.scheduler-enabled=false
EVAL=$FN_PID
trap 'kill $API $EVAL 2>/dev/null || true' EXIT
echo "| pass | rules evaluated | transitions | wall time |"
echo "|---|---|---|---|"
BENCH_RULES="select id from alert_rules where name like 'bench rule %'"
for pass in "first (creates every state), right after the raw aggregations above" "second" "third" \
    "first again, warm (states, events and notifications deleted before it)"; do
  case $pass in "first again"*)
    $PSQL -c "delete from alert_notifications where rule_id in ($BENCH_RULES);
              delete from alert_events where rule_id in ($BENCH_RULES);
              delete from alert_states where rule_id in ($BENCH_RULES)";;
  esac
  out=$(curl -s -w ' %{time_total}' -X POST localhost:18083/evaluateThresholds -H "Authorization: Bearer $SERVICE_TOKEN")
  echo "$out" | python3 -c "import sys,json; t=sys.stdin.read().rsplit(' ',1); j=json.loads(t[0]); print('| $pass | %s | %s | %.2f s |' % (j['rulesEvaluated'], j['transitions'], float(t[1])))"
done
echo "threshold-evaluator RSS after the passes: $(rss $EVAL)"
counts="select (select count(*) from alert_states) || ' states, ' || (select count(*) from alert_events) || ' events, '
               || (select count(*) from alert_notifications) || ' notifications'"
echo "deleting the 10,000 rules: $($PSQL -c "$counts") before"
start=$(date +%s%N)
$PSQL -c "delete from alert_rules where name like 'bench rule %'"
echo "  took $(( ($(date +%s%N) - start) / 1000000 )) ms (the cascades to states, events and notifications included);" \
  "$($PSQL -c "$counts") after"
