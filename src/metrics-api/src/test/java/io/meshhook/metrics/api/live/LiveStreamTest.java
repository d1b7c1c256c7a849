package io.meshhook.metrics.api.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.live.SseClient.Event;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class LiveStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** What the record path does: counters upserted and notified in one statement, so in one transaction. */
    private static final String COMMIT_COUNTERS = """
            with counters as (
                insert into workflow_run_metrics (project_id, workflow_id, workflow_slug, workflow_version,
                    success_count, last_run_at, last_run_status)
                values (?, ?, 'order-sync', 3, 1, now(), 'succeeded')
                on conflict (project_id, workflow_id) do update
                    set success_count = workflow_run_metrics.success_count + 1, last_updated = now()
                returning *
            )
            select count(pg_notify('run_metrics', json_build_object(
                'projectId', project_id, 'workflowId', workflow_id, 'workflowSlug', workflow_slug,
                'workflowVersion', workflow_version, 'successCount', success_count,
                'failureCount', failure_count, 'timedOutCount', timed_out_count,
                'canceledCount', canceled_count, 'testRunCount', test_run_count, 'lastRunAt', last_run_at,
                'lastRunStatus', last_run_status, 'lastUpdated', last_updated)::text))
            from counters
            """;

    @TestHTTPResource("/api/metrics/stream")
    URI stream;

    @Inject
    CountersListener listener;

    @Inject
    LiveClients clients;

    TestDatabase db;
    UUID userA;
    UUID userB;
    UUID projectA;
    UUID projectB;

    @BeforeEach
    void twoTenantsAndAListeningProcess() throws InterruptedException {
        db = DatabaseResource.database();
        userA = UUID.randomUUID();
        userB = UUID.randomUUID();
        projectA = db.createProject(userA, "tenant A");
        projectB = db.createProject(userB, "tenant B");
        // notifications sent before the LISTEN ran are lost by design; a test must not race the startup
        awaitTrue(listener::listening, Duration.ofSeconds(10));
    }

    @Test
    void shouldDeliverTheCallersCountersWithinOneSecondOfTheCommit() throws Exception {
        try (SseClient a = open(userA)) {
            Event ready = a.expect("ready", WAIT);
            assertThat(new JsonObject(ready.data())).isEqualTo(projects(projectA));
            UUID workflow = UUID.randomUUID();

            long beforeCommit = System.nanoTime();
            db.execute(COMMIT_COUNTERS, projectA, workflow);
            Event counters = a.expect("counters", WAIT);

            long latencyMillis = (counters.receivedNanos() - beforeCommit) / 1_000_000;
            System.out.printf("live stream: commit to client in %d ms%n", latencyMillis);
            assertThat(latencyMillis).isLessThan(1000);
            JsonObject payload = new JsonObject(counters.data());
            assertThat(payload.getString("projectId")).isEqualTo(projectA.toString());
            assertThat(payload.getString("workflowId")).isEqualTo(workflow.toString());
            assertThat(payload.getString("workflowSlug")).isEqualTo("order-sync");
            assertThat(payload.getLong("successCount")).isEqualTo(1L);
            assertThat(payload.getString("lastRunStatus")).isEqualTo("succeeded");
            assertThat(Long.parseLong(counters.id())).isGreaterThan(Long.parseLong(ready.id()));
        }
    }

    @Test
    void shouldNeverForwardAnotherTenantsCountersEvenWhenTheyArriveFirst() throws Exception {
        try (SseClient a = open(userA); SseClient b = open(userB)) {
            a.expect("ready", WAIT);
            b.expect("ready", WAIT);

            notifyCounters(projectB);
            notifyCounters(projectA);

            // notifications reach a stream in commit order, so B's would have come first
            assertThat(projectOf(a.expect("counters", WAIT))).isEqualTo(projectA);
            assertThat(projectOf(b.expect("counters", WAIT))).isEqualTo(projectB);
            assertThat(b.next(Duration.ofMillis(200))).as("A's counters on B's stream").isNull();
        }
    }

    @Test
    void shouldSendAnEmptyReadyAndNoCountersWhenTheUserHasNoProjects() throws Exception {
        try (SseClient nobody = open(UUID.randomUUID()); SseClient a = open(userA); SseClient b = open(userB)) {
            assertThat(new JsonObject(nobody.expect("ready", WAIT).data())).isEqualTo(projects());
            a.expect("ready", WAIT);
            b.expect("ready", WAIT);

            notifyCounters(projectA);
            notifyCounters(projectB);
            a.expect("counters", WAIT);
            b.expect("counters", WAIT);

            assertThat(nobody.next(Duration.ofMillis(300))).as("anything after ready").isNull();
        }
    }

    @Test
    void shouldNarrowToTheRequestedProjectsAndDropThoseTheCallerCannotSee() throws Exception {
        UUID otherOfA = db.createProject(userA, "tenant A, second project");
        try (SseClient a = open(userA, "?project=" + otherOfA + "," + projectB)) {
            assertThat(new JsonObject(a.expect("ready", WAIT).data())).isEqualTo(projects(otherOfA));

            notifyCounters(projectB);
            notifyCounters(projectA);
            notifyCounters(otherOfA);

            assertThat(projectOf(a.expect("counters", WAIT))).isEqualTo(otherOfA);
        }
    }

    @Test
    void shouldSendResyncRightAfterReadyWhenTheClientResumesWithALastEventId() throws Exception {
        try (SseClient a = SseClient.open(stream, "Authorization", "Bearer " + TestTokens.user(userA),
                "Last-Event-ID", "41")) {
            a.expect("ready", WAIT);
            Event resync = a.expect("resync", WAIT);
            assertThat(new JsonObject(resync.data())).isEqualTo(new JsonObject().put("reason", "reconnected"));
        }
    }

    @Test
    void shouldStopForwardingAProjectOnceTheUserLosesItAndSaySo() throws Exception {
        try (SseClient a = open(userA)) {
            a.expect("ready", WAIT);

            db.execute("update projects set owner = ? where id = ?", userB, projectA);

            // the membership refresh runs every second in the test profile
            Event changed = a.expect("resync", WAIT);
            assertThat(new JsonObject(changed.data()))
                    .isEqualTo(new JsonObject().put("reason", "projects-changed").put("projects", new JsonArray()));
            notifyCounters(projectA);
            assertThat(a.next(Duration.ofMillis(300))).as("counters of a project no longer A's").isNull();
        }
    }

    @Test
    void shouldResyncAndKeepStreamingWhenTheListenConnectionIsKilled() throws Exception {
        try (SseClient a = open(userA)) {
            a.expect("ready", WAIT);

            List<Map<String, Object>> killed = db.query("select pg_terminate_backend(pid) as killed"
                    + " from pg_stat_activity where datname = current_database() and application_name = ?",
                    CountersListener.APPLICATION_NAME);
            assertThat(killed).containsExactly(Map.of("killed", true));

            Event resync = a.expect("resync", Duration.ofSeconds(10));
            assertThat(new JsonObject(resync.data())).isEqualTo(new JsonObject().put("reason", "reconnected"));
            notifyCounters(projectA);
            Event counters = a.expect("counters", WAIT);
            assertThat(projectOf(counters)).isEqualTo(projectA);
            assertThat(Long.parseLong(counters.id())).isGreaterThan(Long.parseLong(resync.id()));
        }
    }

    @Test
    void shouldSendHeartbeatsAndForgetTheStreamWhenTheClientLeaves() throws Exception {
        SseClient a = open(userA);
        a.expect("ready", WAIT);
        assertThat(clients.size()).isPositive();

        // the heartbeat comes every second in the test profile
        awaitTrue(() -> a.comments() > 0, WAIT);
        a.close();

        awaitTrue(() -> clients.size() == 0, WAIT);
    }

    @Test
    void shouldEndTheStreamWhenTheTokenExpires() throws Exception {
        Map<String, Object> claims = TestTokens.userClaims(userA);
        // expired 27 s ago: still inside the 30 s clock skew, so accepted, and out of it 3 s from now
        claims.put("exp", Instant.now().getEpochSecond() - 27);
        String token = TestTokens.sign(claims, TestTokens.SECRET);
        try (SseClient a = SseClient.open(stream, "Authorization", "Bearer " + token)) {
            a.expect("ready", WAIT);
            assertThat(a.endsWithin(Duration.ofSeconds(10))).as("the stream ended").isTrue();
        }
    }

    @Test
    void shouldAnswer401WithAProblemWithoutAToken() {
        given().get(stream).then().statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    @Test
    void shouldAnswer400WithAProblemWhenAProjectIsNotAUuid() {
        given().auth().oauth2(TestTokens.user(userA)).queryParam("project", projectA + ",not-a-uuid")
                .get(stream).then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", equalTo("project must be a comma-separated list of project UUIDs; item 2 is not"
                        + " a UUID."));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as("condition within %s", timeout).isTrue();
    }

    private SseClient open(UUID user) throws Exception {
        return open(user, "");
    }

    private SseClient open(UUID user, String query) throws Exception {
        return SseClient.open(URI.create(stream + query), "Authorization", "Bearer " + TestTokens.user(user));
    }

    /** A notification exactly as the record path words it, sent in a transaction of its own. */
    private void notifyCounters(UUID project) {
        String payload = new JsonObject().put("projectId", project.toString())
                .put("workflowId", UUID.randomUUID().toString()).put("workflowSlug", "nightly-report")
                .put("workflowVersion", 1).put("successCount", 4).put("failureCount", 1).put("timedOutCount", 0)
                .put("canceledCount", 0).put("testRunCount", 0).put("lastRunAt", "2026-11-29T10:00:02.512+00:00")
                .put("lastRunStatus", "failed").put("lastUpdated", "2026-11-29T10:00:02.6+00:00").encode();
        db.execute("select pg_notify('run_metrics', ?)", payload);
    }

    private static UUID projectOf(Event counters) {
        return UUID.fromString(new JsonObject(counters.data()).getString("projectId"));
    }

    private static JsonObject projects(UUID... ids) {
        JsonArray list = new JsonArray();
        for (UUID id : ids) {
            list.add(id.toString());
        }
        return new JsonObject().put("projects", list);
    }
}
