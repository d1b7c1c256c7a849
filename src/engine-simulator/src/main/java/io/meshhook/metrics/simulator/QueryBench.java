package io.meshhook.metrics.simulator;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The query benchmark: each metrics endpoint over HTTP (token check, RLS, rollup levels, JSON) beside the
 * equivalent aggregation over the raw outcomes in SQL (run directly as the table owner, no RLS, no HTTP: every
 * advantage on its side), one after the other, ITERATIONS times each after WARMUP rounds. Prints a Markdown table
 * with p50/p95 of both and the ratio of the p95s.
 *
 * <p>
 * The raw side computes what the endpoint answers: counts of both periods and duration percentiles per workflow,
 * the series in the caller's zone (and per workflow for the summary's sparklines), and for a workflow its versions
 * and top errors.
 */
public final class QueryBench {

    private record Scenario(String name, String path, List<String> rawSql, Object[] params, int target) {
    }

    public static void main(String[] args) throws Exception {
        String api = env("API_URL", "http://127.0.0.1:18082");
        String token = env("USER_TOKEN", "");
        String project = env("PROJECT", "");
        String workflowId = env("WORKFLOW_ID", "");
        String slug = env("WORKFLOW_SLUG", "");
        int iterations = Integer.parseInt(env("ITERATIONS", "30"));
        int warmup = Integer.parseInt(env("WARMUP", "5"));
        // endpoint-only requests before each scenario's rounds, so that the figures are the function's steady state
        // and not its JIT compiler's first minutes (on 2026-12-04, with 5 warm-up requests only, the hourly trend's p95
        // was 40 ms; after 300 more, 22-29 ms). 100 were not enough either: on 2026-12-07 (fifth machine) the summary
        // answered alone in 31.4 ms at p50 after 100, in 18.7 ms after 3,000, and the hourly trend in 13.1 and 8.2 ms.
        // The deployed functions are native executables, compiled ahead of time: they have no warm-up to wait for
        int prewarm = Integer.parseInt(env("PREWARM", "2000"));
        // ONLY=hourly (say) times only the scenarios whose name contains it, to look at one closely
        String only = env("ONLY", "");
        Instant now = Instant.now();

        Instant m30 = now.minus(30, ChronoUnit.DAYS);
        Instant m60 = now.minus(60, ChronoUnit.DAYS);
        Instant m365 = now.minus(365, ChronoUnit.DAYS);
        Instant m730 = now.minus(730, ChronoUnit.DAYS);
        List<Scenario> scenarios = List.of(
                new Scenario("30-day summary, all workflows of a project",
                        "/api/metrics/workflows/summary?range=30d&project=" + project + "&limit=50",
                        List.of(figures(""), series("day", true, "")), params(project, m60, m30, now, "UTC"), 50),
                new Scenario("30-day hourly trend of one workflow",
                        "/api/metrics/workflow/" + workflowId + "?range=30d&granularity=hour",
                        hourlyRaw(), params(project, m60, m30, now, "UTC", slug), 15),
                new Scenario("365-day daily trend in Asia/Kathmandu, all workflows of a project",
                        "/api/metrics/workflows/summary?range=365d&granularity=day&limit=50&tz="
                                + URLEncoder.encode("Asia/Kathmandu", StandardCharsets.UTF_8) + "&project=" + project,
                        List.of(figures(""), series("day", true, "")),
                        params(project, m730, m365, now, "Asia/Kathmandu"), 50));

        HttpClient http = HttpClient.newHttpClient();
        // each endpoint request is timed right after the raw aggregation of the round before (which reads hundreds of
        // MB and pushes the rollups out of PostgreSQL's buffers), then again in a block of its own ("alone")
        System.out.println("| query | endpoint p50 | endpoint p95 | target p95 | raw SQL p50 | raw SQL p95"
                + " | raw p95 / endpoint p95 | endpoint alone p50 | endpoint alone p95 |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        try (Connection db = DriverManager.getConnection(env("DB_URL", ""), env("DB_USER", "postgres"),
                env("DB_PASSWORD", ""))) {
            for (Scenario s : scenarios) {
                if (!s.name().contains(only)) {
                    continue;
                }
                HttpRequest request = HttpRequest.newBuilder(URI.create(api + s.path()))
                        .header("Authorization", "Bearer " + token).build();
                for (int i = 0; i < prewarm; i++) {
                    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        // a 429 (over the caller's budget, which queries.sh lifts) warms nothing
                        throw new IllegalStateException("warm-up request " + i + " answered " + status);
                    }
                }
                double[] endpoint = new double[iterations];
                double[] raw = new double[iterations];
                for (int i = -warmup; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(s.path() + " answered " + response.statusCode() + ": "
                                + response.body());
                    }
                    for (String sql : s.rawSql()) {
                        try (PreparedStatement st = prepare(db, sql, s.params())) {
                            try (ResultSet rs = st.executeQuery()) {
                                while (rs.next()) {
                                    rs.getObject(1);
                                }
                            }
                        }
                    }
                    long t2 = System.nanoTime();
                    if (i >= 0) {
                        endpoint[i] = (t1 - t0) / 1e6;
                        raw[i] = (t2 - t1) / 1e6;
                    }
                }
                double[] alone = new double[iterations];
                for (int i = -warmup; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (i >= 0) {
                        alone[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                double e95 = percentile(endpoint, 0.95);
                double r95 = percentile(raw, 0.95);
                System.out.printf(
                        "| %s | %.1f ms | %.1f ms | ≤ %d ms | %.1f ms | %.1f ms | %.0f× | %.1f ms | %.1f ms |%n",
                        s.name(), percentile(endpoint, 0.5), e95, s.target(), percentile(raw, 0.5), r95, r95 / e95,
                        percentile(alone, 0.5), percentile(alone, 0.95));
            }
        }
    }

    private static final String ONE = " and workflow_slug = ?6";

    /** The raw aggregation equivalent to a workflow's hourly trend (params: project, m60, m30, now, zone, slug). */
    static List<String> hourlyRaw() {
        return List.of(figures(ONE), series("hour", false, ONE), versionsAndErrors());
    }

    /** Counts of both periods and duration percentiles of the current one, per workflow. */
    private static String figures(String where) {
        return """
                select workflow_slug,
                    count(*) filter (where finished_at >= ?3 and status = 'succeeded') as succeeded,
                    count(*) filter (where finished_at >= ?3 and status = 'failed') as failed,
                    count(*) filter (where finished_at >= ?3 and status = 'timed_out') as timed_out,
                    count(*) filter (where finished_at >= ?3 and status = 'canceled') as canceled,
                    count(*) filter (where finished_at >= ?3 and attempt > 1) as retried,
                    count(*) filter (where finished_at < ?3 and status = 'succeeded') as prev_succeeded,
                    count(*) filter (where finished_at < ?3 and status in ('failed', 'timed_out')) as prev_failed,
                    percentile_cont(array[0.5, 0.95, 0.99]) within group (order by duration_ms)
                        filter (where finished_at >= ?3) as percentiles
                from workflow_run_outcomes
                where project_id = ?1::uuid and finished_at >= ?2 and finished_at < ?4 and trigger <> 'test'
                """ + where + " group by workflow_slug";
    }

    /** The series in the zone, and per workflow too when the endpoint draws sparklines. */
    private static String series(String unit, boolean perWorkflow, String where) {
        return "select date_trunc('" + unit + "', finished_at, ?5) as bucket, "
                + (perWorkflow ? "workflow_slug" : "null::text as workflow_slug") + ","
                + " count(*) filter (where status = 'succeeded') as succeeded,"
                + " count(*) filter (where status in ('failed', 'timed_out')) as failed"
                + " from workflow_run_outcomes where project_id = ?1::uuid and finished_at >= ?3 and finished_at < ?4"
                + " and trigger <> 'test'" + where + " group by " + (perWorkflow ? "grouping sets ((1), (1, 2))" : "1");
    }

    private static String versionsAndErrors() {
        return """
                select workflow_version, count(*), count(*) filter (where status in ('failed', 'timed_out')),
                    array_agg(distinct error_code) filter (where error_code is not null)
                from workflow_run_outcomes
                where project_id = ?1::uuid and finished_at >= ?3 and finished_at < ?4 and trigger <> 'test'
                    and workflow_slug = ?6
                group by workflow_version
                """;
    }

    private static Object[] params(Object... values) {
        return values;
    }

    /** Binds numbered placeholders ?1..?9, each of which may appear several times, as JDBC's plain ?s. */
    static PreparedStatement prepare(Connection db, String sql, Object[] params) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\?(\\d)").matcher(sql);
        List<Integer> order = new ArrayList<>();
        while (m.find()) {
            order.add(Integer.parseInt(m.group(1)));
        }
        PreparedStatement st = db.prepareStatement(sql.replaceAll("\\?\\d", "?"));
        for (int k = 0; k < order.size(); k++) {
            Object v = params[order.get(k) - 1];
            if (v instanceof Instant t) {
                st.setObject(k + 1, t.atOffset(java.time.ZoneOffset.UTC));
            } else {
                st.setObject(k + 1, v);
            }
        }
        return st;
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
