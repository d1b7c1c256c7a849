package io.meshhook.metrics.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stand-in for the MeshHook engine in the local run: posts a day of history, then live runs every quarter
 * second, for two projects and a dozen workflows, with an incident a few minutes in that makes one workflow fail
 * (enough to fire an alert) and then recover.
 *
 * <p>
 * Environment: RECORD_URL (http://127.0.0.1:8081), SERVICE_TOKEN, PROJECTS (two project ids), RUNS_PER_SECOND (8),
 * BACKFILL_HOURS (24), INCIDENT_AFTER (PT3M), INCIDENT_FOR (PT6M).
 */
public final class EngineSimulator {

    static final String INCIDENT_SLUG = "payment-webhook";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Random random = new Random(42);
    private final List<Workflow> workflows;
    private final String url;
    private final String token;
    private final Instant incidentStart;
    private final Instant incidentEnd;

    EngineSimulator(List<Workflow> workflows, String url, String token, Instant incidentStart, Duration incident) {
        this.workflows = workflows;
        this.url = url;
        this.token = token;
        this.incidentStart = incidentStart;
        this.incidentEnd = incidentStart.plus(incident);
    }

    public static void main(String[] args) throws Exception {
        String[] projects = env("PROJECTS", "").split(",");
        if (projects.length != 2 || env("SERVICE_TOKEN", "").isEmpty()) {
            throw new IllegalArgumentException("set PROJECTS=<id>,<id> and SERVICE_TOKEN");
        }
        EngineSimulator simulator = new EngineSimulator(
                catalogue(UUID.fromString(projects[0]), UUID.fromString(projects[1])),
                env("RECORD_URL", "http://127.0.0.1:8081"), env("SERVICE_TOKEN", ""),
                Instant.now().plus(Duration.parse(env("INCIDENT_AFTER", "PT3M"))),
                Duration.parse(env("INCIDENT_FOR", "PT6M")));
        long hours = Long.parseLong(env("BACKFILL_HOURS", "24"));
        if (hours > 0) {
            simulator.backfill(Duration.ofHours(hours));
        }
        simulator.live(Integer.parseInt(env("RUNS_PER_SECOND", "8")));
    }

    /** Two projects, twelve workflows: mostly healthy, some flaky, one that a publish made worse. */
    static List<Workflow> catalogue(UUID a, UUID b) {
        return List.of(
                new Workflow(a, "order-sync", 0.01, -1, 800, "HTTP_500", "shop API returned 500"),
                new Workflow(a, INCIDENT_SLUG, 0.02, -1, 350, "HTTP_503", "payment provider unavailable"),
                new Workflow(a, "invoice-pdf", 0.03, 0.12, 2_500, "RENDER_FAILED", "template variable missing"),
                new Workflow(a, "crm-import", 0.08, -1, 6_000, "RATE_LIMITED", "CRM answered 429"),
                new Workflow(a, "slack-digest", 0.005, -1, 400, "HTTP_404", "channel not found"),
                new Workflow(a, "inventory-sync", 0.15, 0.04, 12_000, "TIMEOUT", "warehouse API timed out"),
                new Workflow(b, "lead-scoring", 0.02, -1, 1_200, "MODEL_ERROR", "scoring service failed"),
                new Workflow(b, "email-campaign", 0.01, -1, 9_000, "SMTP_421", "mail server busy"),
                new Workflow(b, "github-triage", 0.04, -1, 700, "HTTP_401", "token revoked"),
                new Workflow(b, "backup-export", 0.06, 0.06, 45_000, "DISK_FULL", "no space left on device"),
                new Workflow(b, "stripe-refunds", 0.02, -1, 900, "HTTP_402", "card declined"),
                new Workflow(b, "calendar-sync", 0.10, -1, 1_500, "CONFLICT", "event changed meanwhile"));
    }

    /** History: about 2 runs a minute per workflow over the period, posted in batches. */
    void backfill(Duration period) throws Exception {
        Instant start = Instant.now().minus(period);
        List<Map<String, Object>> batch = new ArrayList<>();
        long minutes = period.toMinutes();
        for (long m = 0; m < minutes; m++) {
            for (Workflow w : workflows) {
                for (int i = 0; i < 2; i++) {
                    Instant finished = start.plusSeconds(m * 60 + random.nextInt(60));
                    batch.add(run(w, finished, finished.isAfter(start.plus(period.dividedBy(2)))));
                    if (batch.size() == 500) {
                        post("/recordOutcomes", Map.of("outcomes", batch));
                        batch = new ArrayList<>();
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            post("/recordOutcomes", Map.of("outcomes", batch));
        }
        System.out.printf("simulator: %d hours of history posted%n", period.toHours());
    }

    /** Live traffic until stopped: a batch every quarter second. */
    void live(int runsPerSecond) throws Exception {
        System.out.printf("simulator: live traffic; incident on %s from %s to %s%n", INCIDENT_SLUG, incidentStart,
                incidentEnd);
        while (true) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < Math.max(1, runsPerSecond / 4); i++) {
                batch.add(run(workflows.get(random.nextInt(workflows.size())), Instant.now(), true));
            }
            // the incident's workflow runs more often, so that the alert has runs enough to judge
            batch.add(run(workflows.get(1), Instant.now(), true));
            post("/recordOutcomes", Map.of("outcomes", batch));
            Thread.sleep(250);
        }
    }

    private Map<String, Object> run(Workflow w, Instant finishedAt, boolean afterPublish) {
        int version = w.hasSecondVersion() && afterPublish ? 2 : 1;
        double failureShare = version == 2 ? w.v2FailureShare() : w.failureShare();
        if (w.slug().equals(INCIDENT_SLUG) && !finishedAt.isBefore(incidentStart) && finishedAt.isBefore(incidentEnd)) {
            failureShare = 0.6;
        }
        double draw = random.nextDouble();
        String status = draw < failureShare * 0.85
                ? "failed"
                : draw < failureShare ? "timed_out" : draw < failureShare + 0.01 ? "canceled" : "succeeded";
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("runId", UUID.randomUUID().toString());
        run.put("projectId", w.project().toString());
        run.put("workflowId", w.id(version).toString());
        run.put("workflowSlug", w.slug());
        run.put("workflowVersion", version);
        run.put("status", status);
        run.put("startedAt", finishedAt.minusMillis(w.durationMs(random)).toString());
        run.put("finishedAt", finishedAt.toString());
        run.put("trigger", random.nextInt(10) < 7 ? "webhook" : random.nextBoolean() ? "schedule" : "manual");
        if (status.equals("failed")) {
            run.put("error", Map.of("code", w.errorCode(), "message", w.errorMessage(), "step", "call-api"));
        }
        return run;
    }

    private void post(String path, Object body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.printf("simulator: %s answered %d %s%n", path, response.statusCode(), response.body());
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
