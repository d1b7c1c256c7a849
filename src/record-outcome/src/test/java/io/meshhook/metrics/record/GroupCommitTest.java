package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.testing.Prometheus.metric;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Group commit: requests sent at the same moment share transactions, yet each gets the answer it would have had
 * alone. A conflict, an unknown project and two copies of one new run are mixed into rounds of simultaneous good
 * requests; the bad ones are refused without writing anything and without failing their neighbours.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class GroupCommitTest {

    private static final int CLIENTS = 48;
    private static final int ROUNDS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource
    URI app;

    @Test
    void shouldAnswerEachRequestAsIfAloneWhenConcurrentRequestsShareATransaction() throws Exception {
        TestDatabase db = DatabaseResource.database();
        UUID owner = UUID.randomUUID();
        UUID project = db.createProject(owner, "group commit");
        UUID workflow = UUID.randomUUID();
        Instant now = Instant.now().minusSeconds(30);
        Map<String, Object> recordedBefore = outcome(project, workflow, "grouped", "succeeded", now);
        post("/recordOutcome", recordedBefore).statusCode(200);
        double groups = metric("run_metrics_record_group_requests_count");
        double grouped = metric("run_metrics_record_group_requests_sum");
        double fallbacks = metric("run_metrics_record_group_fallbacks_total");

        List<Expected> sent = new ArrayList<>();
        int good = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<Expected> batch = new ArrayList<>();
            Map<String, Object> twice = outcome(project, workflow, "grouped", "failed", now);
            for (int i = 0; i < CLIENTS - 4; i++) {
                batch.add(new Expected(outcome(project, workflow, "grouped", i % 3 == 0 ? "failed" : "succeeded",
                        now.minusMillis(i)), 200));
                good++;
            }
            batch.add(new Expected(twice, 200));
            batch.add(new Expected(twice, 200));
            good++;
            Map<String, Object> conflict = new HashMap<>(recordedBefore);
            conflict.put("status", "failed");
            batch.add(new Expected(conflict, 409));
            batch.add(new Expected(outcome(UUID.randomUUID(), workflow, "grouped", "succeeded", now), 422));
            sent.addAll(batch);
            sendTogether(batch);
        }

        for (Expected e : sent) {
            assertThat(e.status).as("answer to %s", e.body).isEqualTo(e.expectedStatus);
        }
        long newAcks = sent.stream().filter(e -> e.status == 200 && !e.answer.get("duplicate").asBoolean()).count();
        assertThat(newAcks).as("runs acknowledged as new").isEqualTo(good);
        assertThat(sent.stream().filter(e -> e.status == 200 && e.answer.get("duplicate").asBoolean()).count())
                .as("second copies of a run sent twice at once").isEqualTo(ROUNDS);
        assertThat(db.scalar("select count(*) from workflow_run_outcomes where project_id = ?", project))
                .isEqualTo(good + 1);
        assertThat(db.scalar("select count(*) from workflow_run_outcome_keys where project_id = ?", project))
                .isEqualTo(good + 1);
        assertThat(db.scalar("select success_count + failure_count from workflow_run_metrics where project_id = ?",
                project)).as("counter").isEqualTo(good + 1);
        assertThat(db.scalar("select sum(succeeded + failed) from workflow_run_rollups where project_id = ?",
                project)).as("rollups").isEqualTo(good + 1);
        assertThat(
                db.scalar("select count(*) from workflow_run_outcomes where status = 'succeeded' and run_id = ?::uuid",
                        recordedBefore.get("runId")))
                .as("the conflicting report changed nothing").isEqualTo(1);

        double requests = sent.size();
        assertThat(metric("run_metrics_record_group_requests_sum") - grouped).isEqualTo(requests);
        assertThat(metric("run_metrics_record_group_requests_count") - groups)
                .as("transactions for %s simultaneous requests", requests).isLessThan(requests / 2);
        assertThat(metric("run_metrics_record_group_fallbacks_total") - fallbacks)
                .as("groups rolled back and written request by request").isGreaterThanOrEqualTo(1);
    }

    private void sendTogether(List<Expected> batch) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = TestTokens.service();
        CyclicBarrier start = new CyclicBarrier(batch.size());
        ExecutorService clients = Executors.newFixedThreadPool(batch.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Expected e : batch) {
                done.add(clients.submit(() -> {
                    HttpRequest request = HttpRequest.newBuilder(app.resolve("/recordOutcome"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(BodyPublishers.ofString(JSON.writeValueAsString(e.body))).build();
                    start.await(30, SECONDS);
                    var response = http.send(request, BodyHandlers.ofString());
                    e.status = response.statusCode();
                    e.answer = JSON.readTree(response.body());
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** One request of a round, what it should get, and what it got. */
    private static final class Expected {
        final Map<String, Object> body;
        final int expectedStatus;
        volatile int status;
        volatile JsonNode answer;

        Expected(Map<String, Object> body, int expectedStatus) {
            this.body = body;
            this.expectedStatus = expectedStatus;
        }
    }
}
