package io.meshhook.metrics.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * An interleaved A/B of endpoint URLs: in each round, each URL is timed right after the same statements (the hourly
 * trend's raw aggregation, as QueryBench judges it, or any SQL: {@code select pg_sleep(1)} for a request after a
 * pause, {@code select 1} for requests back to back). Two builds of a function on two ports, or two forms of one
 * request, then meet the same conditions, which drift too much between two separate runs to compare them.
 * <p>
 * Env: URLS (separated by |), BEFORE ("raw", the default, or SQL), API_URL for URLs given as paths, USER_TOKEN,
 * DB_URL, PROJECT, WORKFLOW_SLUG, ITERATIONS (40), PREWARM (2,000 requests to each URL first).
 */
public final class EndpointAB {

    public static void main(String[] args) throws Exception {
        String api = QueryBench.env("API_URL", "http://127.0.0.1:18082");
        String[] urls = QueryBench.env("URLS", "").split("\\|");
        String before = QueryBench.env("BEFORE", "raw");
        int iterations = Integer.parseInt(QueryBench.env("ITERATIONS", "40"));
        int prewarm = Integer.parseInt(QueryBench.env("PREWARM", "2000"));
        Instant now = Instant.now();
        Object[] params = {QueryBench.env("PROJECT", ""), now.minus(60, ChronoUnit.DAYS),
                now.minus(30, ChronoUnit.DAYS), now, "UTC", QueryBench.env("WORKFLOW_SLUG", "")};
        List<String> statements = before.equals("raw") ? QueryBench.hourlyRaw() : List.of(before);

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest[] requests = new HttpRequest[urls.length];
        for (int k = 0; k < urls.length; k++) {
            requests[k] = HttpRequest.newBuilder(URI.create(urls[k].startsWith("http") ? urls[k] : api + urls[k]))
                    .header("Authorization", "Bearer " + QueryBench.env("USER_TOKEN", "")).build();
            for (int i = 0; i < prewarm; i++) {
                send(http, requests[k]);
            }
        }
        double[][] times = new double[urls.length][iterations];
        try (Connection db = DriverManager.getConnection(QueryBench.env("DB_URL", ""),
                QueryBench.env("DB_USER", "postgres"), QueryBench.env("DB_PASSWORD", ""))) {
            for (int i = -3; i < iterations; i++) {
                for (int k = 0; k < urls.length; k++) {
                    for (String sql : statements) {
                        try (PreparedStatement st = QueryBench.prepare(db, sql, params);
                                ResultSet rs = st.executeQuery()) {
                            while (rs.next()) {
                                rs.getObject(1);
                            }
                        }
                    }
                    long t0 = System.nanoTime();
                    send(http, requests[k]);
                    if (i >= 0) {
                        times[k][i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        System.out.println("| URL, each timed after: " + before + " | p50 | p95 | max |");
        System.out.println("|---|---|---|---|");
        for (int k = 0; k < urls.length; k++) {
            System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms |%n", urls[k], QueryBench.percentile(times[k], 0.5),
                    QueryBench.percentile(times[k], 0.95), QueryBench.percentile(times[k], 1.0));
        }
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }
}
