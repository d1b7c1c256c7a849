package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class RecordOutcomeTest {

    TestDatabase db;
    UUID project;
    UUID workflow;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "record-outcome test");
        workflow = UUID.randomUUID();
    }

    @Test
    void shouldCountAnOutcomeInCountersRollupsAndRawWhenRecorded() {
        Instant finished = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
        Map<String, Object> body = outcome(project, workflow, "order-sync", "failed", finished);
        body.put("error", Map.of("code", "HTTP_502", "message", "upstream returned 502", "step", "charge-card"));

        post("/recordOutcome", body).statusCode(200)
                .body("runId", equalTo(body.get("runId")))
                .body("duplicate", equalTo(false));

        Map<String, Object> counters = db.query("select * from workflow_run_metrics where project_id = ?", project)
                .get(0);
        assertThat(counters).containsEntry("failure_count", 1L).containsEntry("success_count", 0L)
                .containsEntry("last_run_status", "failed").containsEntry("workflow_slug", "order-sync");
        assertThat(db.scalar("select sum(failed) from workflow_run_rollups where project_id = ?", project))
                .isEqualTo(1);
        assertThat(db.scalar("select count(*) from workflow_run_outcomes where project_id = ? and error_code = ?",
                project, "HTTP_502")).isEqualTo(1);
        assertThat(db.scalar("select occurrences from workflow_run_error_rollups where project_id = ?", project))
                .isEqualTo(1);
    }

    @Test
    void shouldAnswerDuplicateAndCountOnceWhenTheSameOutcomeIsSentAgain() {
        Map<String, Object> body = outcome(project, workflow, "order-sync", "succeeded", Instant.now());

        post("/recordOutcome", body).statusCode(200).body("duplicate", equalTo(false));
        post("/recordOutcome", body).statusCode(200).body("duplicate", equalTo(true));

        assertThat(db.scalar("select success_count from workflow_run_metrics where project_id = ?", project))
                .isEqualTo(1);
        assertThat(db.scalar("select count(*) from workflow_run_outcomes where project_id = ?", project))
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseWith409AndChangeNothingWhenARunIdComesBackWithAnotherStatus() {
        Map<String, Object> body = outcome(project, workflow, "order-sync", "succeeded", Instant.now());
        post("/recordOutcome", body).statusCode(200);

        body.put("status", "failed");
        post("/recordOutcome", body).statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("errors[0].field", equalTo("runId"));

        assertThat(db.query("select success_count, failure_count from workflow_run_metrics where project_id = ?",
                project)).containsExactly(Map.of("success_count", 1L, "failure_count", 0L));
    }

    @Test
    void shouldRecordABatchInRequestOrderWithItsDuplicates() {
        Map<String, Object> first = outcome(project, workflow, "order-sync", "succeeded", Instant.now());
        post("/recordOutcome", first).statusCode(200);
        Map<String, Object> second = outcome(project, workflow, "order-sync", "timed_out", Instant.now());
        Map<String, Object> third = outcome(project, workflow, "order-sync", "canceled", Instant.now());

        post("/recordOutcomes", Map.of("outcomes", List.of(second, first, third))).statusCode(200)
                .body("recorded", equalTo(2))
                .body("duplicates", equalTo(1))
                .body("results", hasSize(3))
                .body("results[0].runId", equalTo(second.get("runId")))
                .body("results[1].duplicate", equalTo(true))
                .body("results[2].duplicate", equalTo(false));

        assertThat(db.query("select success_count, failure_count, timed_out_count, canceled_count"
                + " from workflow_run_metrics where project_id = ?", project))
                .containsExactly(Map.of("success_count", 1L, "failure_count", 1L, "timed_out_count", 1L,
                        "canceled_count", 1L));
    }
}
