package io.meshhook.metrics.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * A load generator for record-outcome over HTTP: CLIENTS concurrent clients post for SECONDS, each request one run
 * (BATCH=1, /recordOutcome) or a batch (/recordOutcomes), spread over WORKFLOWS workflows (1 = one hot workflow).
 * Each client sends its next request when the answer to the last has come (HTTP/1.1 keep-alive, one connection per
 * client, as the engine's workers do). RATE (optional) paces the clients to that many requests per second in total.
 * WARMUP seconds of the same load come first and are not measured (the function's JIT compiles the record path
 * meanwhile; the runs are recorded and acknowledged all the same). Prints throughput, latency percentiles and how
 * many runs were acknowledged in all, for the caller to check against the database (every acknowledged run must
 * be counted exactly once). With RETRY=1 a client resends a refused request (any answer but 200, or no answer)
 * with the same run ids every 250 ms until it is acknowledged, as the engine does, and counts the answers by
 * status; ACKED_FILE receives the acknowledged run ids, one a line.
 * <p>
 * All clients share one Vert.x event loop: the generator runs on the same two cores as the function and
 * PostgreSQL, and a thread per client (java.net.http, as before) took more CPU than the function itself
 * (0.9 ms a request against the function's 0.7 ms), which then measured the generator as much as the function.
 */
public final class IngestLoad {

    /** The error codes of the failed runs sent (one run in ten fails). */
    private static final String[] FAILURES = {"HTTP_502", "HTTP_500", "RATE_LIMITED", "DB_LOCK_TIMEOUT"};

    private final String token;
    private final UUID project;
    private final int batch;
    private final int workflows;
    private final boolean retry;
    private final long measureFrom;
    private final long end;
    private final long interval;
    private final HttpClient http;
    private final Vertx vertx;
    private final String path;
    private final ObjectMapper json = new ObjectMapper();
    private final CountDownLatch done;

    // touched on the event loop only
    private long[] latencies = new long[1 << 16];
    private long[] startedAt = new long[1 << 16];
    private int measured;
    private long acknowledged;
    private long acknowledgedMeasured;
    private long failed;
    private long slowest;
    private final Map<Integer, Long> statuses = new java.util.TreeMap<>();
    private final List<String> ackedIds = new ArrayList<>();

    private IngestLoad(Vertx vertx, HttpClient http, String token, UUID project, int clients, int batch,
            int workflows, boolean retry, double warmupSeconds, int seconds, double rate) {
        this.vertx = vertx;
        this.http = http;
        this.token = token;
        this.project = project;
        this.batch = batch;
        this.workflows = workflows;
        this.retry = retry;
        long now = System.nanoTime();
        this.measureFrom = now + (long) (warmupSeconds * 1e9);
        this.end = measureFrom + seconds * 1_000_000_000L;
        this.interval = rate > 0 ? (long) (clients * 1e9 / rate) : 0;
        this.path = batch == 1 ? "/recordOutcome" : "/recordOutcomes";
        this.done = new CountDownLatch(clients);
    }

    public static void main(String[] args) throws Exception {
        java.net.URI url = java.net.URI.create(env("RECORD_URL", "http://127.0.0.1:8081"));
        int clients = Integer.parseInt(env("CLIENTS", "64"));
        int seconds = Integer.parseInt(env("SECONDS", "20"));
        int batch = Integer.parseInt(env("BATCH", "1"));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true).setDefaultHost(url.getHost()).setDefaultPort(url.getPort()),
                new PoolOptions().setHttp1MaxSize(clients).setMaxWaitQueueSize(-1));
        IngestLoad load = new IngestLoad(vertx, http, env("SERVICE_TOKEN", ""), UUID.fromString(env("PROJECT", "")),
                clients, batch, Integer.parseInt(env("WORKFLOWS", "1000")), env("RETRY", "0").equals("1"),
                Double.parseDouble(env("WARMUP", "0")), seconds, Double.parseDouble(env("RATE", "0")));
        vertx.runOnContext(v -> {
            for (int c = 0; c < clients; c++) {
                long first = System.nanoTime()
                        + (load.interval > 0 ? ThreadLocalRandom.current().nextLong(load.interval) : 0);
                load.next(first);
            }
        });
        if (!load.done.await(seconds + (long) Double.parseDouble(env("WARMUP", "0")) + 120, TimeUnit.SECONDS)) {
            System.err.println("clients did not finish in time");
        }
        load.report(clients, seconds, env("ACKED_FILE", ""));
        System.exit(0);
    }

    /** Starts a client's next request at {@code due} (System.nanoTime), or ends the client past the end. */
    private void next(long due) {
        long now = System.nanoTime();
        if (Math.max(now, due) >= end) {
            done.countDown();
            return;
        }
        long wait = (due - now) / 1_000_000;
        if (wait >= 1) {
            vertx.setTimer(wait, t -> send(due));
        } else {
            send(due);
        }
    }

    private void send(long due) {
        List<Map<String, Object>> sent = runs();
        Object body = batch == 1 ? sent.get(0) : Map.of("outcomes", sent);
        Buffer bytes;
        try {
            bytes = Buffer.buffer(json.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long start = System.nanoTime();
        attempt(bytes, sent, start, start + (end - start) + 60_000_000_000L, due);
    }

    /** One attempt at delivering a request; retried (RETRY=1) until acknowledged or past {@code giveUp}. */
    private void attempt(Buffer bytes, List<Map<String, Object>> sent, long start, long giveUp, long due) {
        long attemptStart = System.nanoTime();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path).setTimeout(30_000)
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
        http.request(options).compose(request -> request.send(bytes))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .onComplete(result -> {
                    int status = result.succeeded() ? result.result() : 0; // 0: no answer
                    slowest = Math.max(slowest, System.nanoTime() - attemptStart);
                    statuses.merge(status, 1L, Long::sum);
                    if (status == 200) {
                        acknowledged += batch;
                        if (start >= measureFrom) {
                            acknowledgedMeasured += batch;
                        }
                        sent.forEach(r -> ackedIds.add((String) r.get("runId")));
                    } else if (retry && System.nanoTime() <= giveUp) {
                        vertx.setTimer(250, t -> attempt(bytes, sent, start, giveUp, due));
                        return;
                    } else {
                        failed++;
                    }
                    if (start >= measureFrom && start < end) {
                        if (measured == latencies.length) {
                            latencies = Arrays.copyOf(latencies, measured * 2);
                            startedAt = Arrays.copyOf(startedAt, measured * 2);
                        }
                        startedAt[measured] = start - measureFrom;
                        latencies[measured++] = System.nanoTime() - start;
                    }
                    next(interval > 0 ? due + interval : System.nanoTime());
                });
    }

    private void report(int clients, int seconds, String ackedFile) throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        long[][] all = new long[1][];
        long[] counts = new long[5];
        List<String> ids = new ArrayList<>();
        String[] byStatus = new String[1];
        long[][] starts = new long[1][];
        vertx.runOnContext(v -> {
            all[0] = Arrays.copyOf(latencies, measured);
            starts[0] = Arrays.copyOf(startedAt, measured);
            counts[0] = failed;
            counts[1] = acknowledged;
            counts[2] = acknowledgedMeasured;
            counts[3] = slowest;
            ids.addAll(ackedIds);
            byStatus[0] = statuses.toString();
            read.countDown();
        });
        read.await();
        if (env("TIMELINE", "0").equals("1")) {
            timeline(starts[0], all[0], seconds);
        }
        long[] sorted = all[0];
        Arrays.sort(sorted);
        System.out.printf("clients=%d batch=%d workflows=%d seconds=%d requests=%d failed=%d acknowledged=%d"
                + " runs/s=%.0f p50=%.1fms p99=%.1fms%n", clients, batch, workflows, seconds, sorted.length, counts[0],
                counts[1], counts[2] / (double) seconds, pct(sorted, 0.50), pct(sorted, 0.99));
        if (retry || counts[0] > 0) { // what the failures were (a 429 is the service's budget, see README "Limits")
            System.out.printf("answers by status %s (0: no answer) slowest=%.0fms%n", byStatus[0], counts[3] / 1e6);
        }
        if (!ackedFile.isEmpty()) {
            java.nio.file.Files.write(java.nio.file.Path.of(ackedFile), ids);
        }
    }

    /** TIMELINE=1: requests, p50 and p99 of each second of the measured period, on standard error. */
    private static void timeline(long[] starts, long[] latencies, int seconds) {
        for (int second = 0; second < seconds; second++) {
            long from = second * 1_000_000_000L;
            long to = from + 1_000_000_000L;
            long[] in = java.util.stream.IntStream.range(0, starts.length)
                    .filter(i -> starts[i] >= from && starts[i] < to)
                    .mapToLong(i -> latencies[i]).sorted().toArray();
            System.err.printf("second %d: requests=%d p50=%.1fms p99=%.1fms max=%.1fms%n", second, in.length,
                    pct(in, 0.5), pct(in, 0.99), in.length == 0 ? 0 : in[in.length - 1] / 1e6);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    private List<Map<String, Object>> runs() {
        List<Map<String, Object>> list = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            list.add(run());
        }
        return list;
    }

    private Map<String, Object> run() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int w = random.nextInt(workflows);
        Instant finished = Instant.now();
        Map<String, Object> run = new java.util.HashMap<>(Map.of("runId", UUID.randomUUID().toString(),
                "projectId", project.toString(), "workflowId", new UUID(project.getMostSignificantBits(), w).toString(),
                "workflowSlug", "wf-" + w, "workflowVersion", 1, "status", "succeeded", "startedAt",
                finished.minusMillis(200 + random.nextInt(2_000)).toString(), "finishedAt", finished.toString()));
        if (random.nextInt(10) == 0) {
            // a failure as the engine reports one: a code and a message (they feed the error rollups, V15)
            String code = FAILURES[random.nextInt(FAILURES.length)];
            run.put("status", "failed");
            run.put("error", Map.of("code", code, "message", "step failed: " + code.toLowerCase()));
        }
        return run;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
