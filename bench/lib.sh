# Shared by the benchmark scripts: an HS256 JWT signed with $SECRET for a JSON payload (iat/exp added).
. infra/local/jwt.sh
jwt() { # payload-json-without-braces
  local now
  now=$(date +%s)
  hs256_jwt "$SECRET" "{$1,\"iat\":$now,\"exp\":$((now + 14400))}"
}
# Starts a function's JVM build on a port against database $DB and waits until it is ready; sets FN_PID.
start_function() { # module port [java -D options...]
  local module=$1 port=$2
  shift 2
  SUPABASE_JWT_SECRET=$SECRET RUN_METRICS_DB_URL=postgresql://127.0.0.1:5432/$DB \
    java -Dquarkus.log.console.json.enabled=false -Dquarkus.http.port="$port" "$@" \
    -jar "src/$module/target/quarkus-app/quarkus-run.jar" >"$STATE/$module.log" 2>&1 &
  FN_PID=$!
  for _ in $(seq 1 150); do curl -fs -o /dev/null "localhost:$port/q/health/ready" && return 0; sleep 0.2; done
  echo "$module did not become ready; see $STATE/$module.log" >&2
  return 1
}
# Resident memory of a process.
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$1/status"; }
