package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.ProxiedDatabaseResource;
import io.meshhook.metrics.testing.TcpProxy;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * PostgreSQL restarts in the middle of sustained ingest. Engines keep posting (single runs and batches) and retry
 * what was not acknowledged with the same run ids; the database's connections are reset, its sessions terminated
 * (their transactions roll back, as in a restart) and connections refused for a few seconds, then it is back.
 * Everything happens once, before the tests, which each check one promise.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(DatabaseFaults.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseRestartTest {

    private static final int CLIENTS = 8;
    private static final Duration BEFORE = Duration.ofSeconds(2);
    private static final Duration DOWN = Duration.ofSeconds(3);
    private static final Duration AFTER = Duration.ofSeconds(3);
    /** The engine would wait Retry-After (5 s); the test retries sooner to hit the outage more often. */
    private static final Duration RETRY_WAIT = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource
    URI app;

    private TestDatabase db;
    private UUID project;
    private final List<UUID> workflows = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final Set<UUID> sent = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Boolean> acknowledged = new ConcurrentHashMap<>();
    private final Set<UUID> retried = ConcurrentHashMap.newKeySet();
    private volatile boolean ingesting = true;
    private Instant down;
    private Instant up;
    private long terminated;

    @BeforeAll
    void ingestThroughARestart() throws Exception {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "database restart");
        TcpProxy proxy = ProxiedDatabaseResource.proxy();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = TestTokens.service();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(clients.submit(() -> {
                    for (int n = 0; ingesting; n++) {
                        sendUntilAcknowledged(http, token, n % 3 == 0 ? 5 : 1);
                    }
                    return null;
                }));
            }
            Thread.sleep(BEFORE.toMillis());
            down = Instant.now();
            // as a restart: the server ends every session (their transactions roll back), then stops listening;
            // the proxy also resets what is still open, as a crash or a broken link would
            terminated = db.terminateSessions();
            proxy.refuse();
            Thread.sleep(DOWN.toMillis());
            proxy.accept();
            up = Instant.now();
            Thread.sleep(AFTER.toMillis());
            ingesting = false;
            for (Future<?> f : done) {
                f.get(60, SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterAndAProblemBodyWhileTheDatabaseIsDown() {
        List<Attempt> refused = attempts.stream().filter(a -> a.status() != 200).toList();

        assertThat(refused).as("requests refused during the outage").isNotEmpty();
        assertThat(refused).allSatisfy(a -> {
            assertThat(a.status()).as("status of %s", a).isEqualTo(503);
            assertThat(a.contentType()).isEqualTo("application/problem+json");
            assertThat(a.retryAfter()).as("Retry-After of %s", a).isNotBlank();
            JsonPath problem = JsonPath.from(a.body());
            assertThat(problem.getInt("status")).isEqualTo(503);
            assertThat(problem.getString("type")).isEqualTo("/problems/unavailable");
            assertThat(a.body()).doesNotContain("Exception", "java.", "SQLSTATE", "workflow_run_");
        });
        assertThat(refused).as("refused while the database was down")
                .anyMatch(a -> a.sentAt().isAfter(down) && a.sentAt().isBefore(up));
    }

    @Test
    void shouldAnswerEveryRequestWithinTheBoundWhenTheDatabaseGoesAway() {
        assertThat(attempts).allSatisfy(a -> assertThat(a.took()).as("time taken by %s", a)
                .isLessThan(DatabaseFaults.BOUND));
        assertThat(attempts).noneMatch(a -> a.status() == 0);
    }

    @Test
    void shouldServeAgainAfterTheRestartWithoutBeingRestarted() {
        assertThat(terminated).as("sessions terminated by the restart").isPositive();
        assertThat(attempts).as("runs acknowledged after the database came back")
                .anyMatch(a -> a.status() == 200 && a.sentAt().isAfter(up));
        assertThat(attempts).as("runs acknowledged before the outage")
                .anyMatch(a -> a.status() == 200 && a.sentAt().isBefore(down));
        assertThat(acknowledged.keySet()).as("every run sent was acknowledged in the end").isEqualTo(sent);
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldCountEveryAcknowledgedRunExactlyOnceAndRetriedRunsOnce() {
        assertThat(retried).as("runs sent again after a refusal").isNotEmpty();
        Ledger.assertCountedOnce(db, project, acknowledged.keySet());
    }

    /** Posts new runs (one, or a batch), again and again with the same run ids, until they are acknowledged. */
    private void sendUntilAcknowledged(HttpClient http, String token, int size) throws Exception {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            UUID workflow = workflows.get(ThreadLocalRandom.current().nextInt(workflows.size()));
            Map<String, Object> run = outcome(project, workflow, "restart-" + workflows.indexOf(workflow),
                    ThreadLocalRandom.current().nextInt(4) == 0 ? "failed" : "succeeded",
                    Instant.now().minusSeconds(30));
            runs.add(run);
            sent.add(UUID.fromString((String) run.get("runId")));
        }
        boolean single = size == 1;
        HttpRequest request = HttpRequest.newBuilder(app.resolve(single ? "/recordOutcome" : "/recordOutcomes"))
                .timeout(DatabaseFaults.BOUND).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(BodyPublishers.ofString(JSON.writeValueAsString(single ? runs.get(0) : Map.of("outcomes", runs))))
                .build();
        Instant deadline = Instant.now().plusSeconds(40);
        for (int attempt = 1; Instant.now().isBefore(deadline); attempt++) {
            if (attempt > 1) {
                runs.forEach(run -> retried.add(UUID.fromString((String) run.get("runId"))));
                Thread.sleep(RETRY_WAIT.toMillis());
            }
            Instant sentAt = Instant.now();
            HttpResponse<String> response;
            try {
                response = http.send(request, BodyHandlers.ofString());
            } catch (IOException e) {
                attempts.add(new Attempt(sentAt, Duration.between(sentAt, Instant.now()), 0, null, null, e.toString()));
                continue;
            }
            attempts.add(new Attempt(sentAt, Duration.between(sentAt, Instant.now()), response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    response.headers().firstValue("Retry-After").orElse(null), response.body()));
            if (response.statusCode() == 200) {
                JsonNode answer = JSON.readTree(response.body());
                for (JsonNode result : single ? List.of(answer) : answer.get("results")) {
                    acknowledged.put(UUID.fromString(result.get("runId").textValue()),
                            result.get("duplicate").booleanValue());
                }
                return;
            }
        }
    }

    /** One request as the client saw it; status 0 when no HTTP answer came (a hang or a dropped connection). */
    private record Attempt(Instant sentAt, Duration took, int status, String contentType, String retryAfter,
            String body) {
    }
}
