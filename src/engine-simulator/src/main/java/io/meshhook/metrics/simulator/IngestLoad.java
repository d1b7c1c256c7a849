package io.meshhook.metrics.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A load generator for record-outcome over HTTP: CLIENTS concurrent clients post for SECONDS, each request one run
 * (BATCH=1, /recordOutcome) or a batch (/recordOutcomes), spread over WORKFLOWS workflows (1 = one hot workflow).
 * RATE (optional) paces the clients to that many requests per second in total. Prints throughput, latency percentiles and how many runs were acknowledged, for the caller to check against
 * the database (every acknowledged run must be counted exactly once). With RETRY=1 a client resends a refused
 * request (any answer but 200, or no answer) with the same run ids every 250 ms until it is acknowledged, as the
 * engine does, and counts the answers by status; ACKED_FILE receives the acknowledged run ids, one a line.
 */
public final class IngestLoad {

    public static void main(String[] args) throws Exception {
        String url = env("RECORD_URL", "http://127.0.0.1:8081");
        String token = env("SERVICE_TOKEN", "");
        UUID project = UUID.fromString(env("PROJECT", ""));
        int clients = Integer.parseInt(env("CLIENTS", "64"));
        int seconds = Integer.parseInt(env("SECONDS", "20"));
        int batch = Integer.parseInt(env("BATCH", "1"));
        int workflows = Integer.parseInt(env("WORKFLOWS", "1000"));
        // RATE > 0: requests per second across all clients, paced (to measure latency below the maximum)
        double rate = Double.parseDouble(env("RATE", "0"));
        long interval = rate > 0 ? (long) (clients * 1e9 / rate) : 0;
        boolean retry = env("RETRY", "0").equals("1");
        String ackedFile = env("ACKED_FILE", "");
        java.util.Queue<String> ackedIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        AtomicLong slowest = new AtomicLong();
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(clients)).build();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            long[] mine = new long[2_000_000];
            latencies.add(mine);
            pool.submit(() -> {
                int n = 0;
                long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(Math.max(1, interval));
                while (System.nanoTime() < end && n < mine.length) {
                    if (interval > 0) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                        next += interval;
                    }
                    List<Map<String, Object>> sent = runs(project, workflows, batch);
                    Object body = batch == 1 ? sent.get(0) : Map.of("outcomes", sent);
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url
                            + (batch == 1 ? "/recordOutcome" : "/recordOutcomes")))
                            .timeout(java.time.Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
                    long start = System.nanoTime();
                    long giveUp = end + 60_000_000_000L;
                    for (boolean done = false; !done;) {
                        long attempt = System.nanoTime();
                        int status = 0;
                        try {
                            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (Exception e) {
                            // no answer: counted under status 0
                        }
                        slowest.accumulateAndGet(System.nanoTime() - attempt, Math::max);
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        if (status == 200) {
                            acknowledged.addAndGet(batch);
                            sent.forEach(r -> ackedIds.add((String) r.get("runId")));
                            done = true;
                        } else if (!retry || System.nanoTime() > giveUp) {
                            failed.incrementAndGet();
                            done = true;
                        } else {
                            Thread.sleep(250);
                        }
                    }
                    mine[n++] = System.nanoTime() - start;
                }
                mine[mine.length - 1] = n; // how many this client measured
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, java.util.concurrent.TimeUnit.SECONDS);
        long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1])).sorted()
                .toArray();
        System.out.printf("clients=%d batch=%d workflows=%d seconds=%d requests=%d failed=%d acknowledged=%d"
                + " runs/s=%.0f p50=%.1fms p99=%.1fms%n", clients, batch, workflows, seconds, all.length, failed.get(),
                acknowledged.get(), acknowledged.get() / (double) seconds, pct(all, 0.50), pct(all, 0.99));
        if (retry) {
            System.out.printf("answers by status %s (0: no answer) slowest=%.0fms%n", statuses,
                    slowest.get() / 1e6);
        }
        if (!ackedFile.isEmpty()) {
            java.nio.file.Files.write(java.nio.file.Path.of(ackedFile), ackedIds);
        }
        System.exit(0);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    private static List<Map<String, Object>> runs(UUID project, int workflows, int n) {
        List<Map<String, Object>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(run(project, workflows));
        }
        return list;
    }

    private static Map<String, Object> run(UUID project, int workflows) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int w = random.nextInt(workflows);
        Instant finished = Instant.now();
        return Map.of("runId", UUID.randomUUID().toString(), "projectId", project.toString(), "workflowId",
                new UUID(project.getMostSignificantBits(), w).toString(), "workflowSlug", "wf-" + w,
                "workflowVersion", 1, "status", random.nextInt(10) == 0 ? "failed" : "succeeded", "startedAt",
                finished.minusMillis(200 + random.nextInt(2_000)).toString(), "finishedAt", finished.toString());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
