package io.meshhook.metrics.api;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class SummarySmokeTest {

    @Inject
    OutcomeRecorder recorder;

    @Test
    void shouldAnswerRatesOfTheCallersWorkflowsWhenAskedForTheSummary() {
        UUID user = UUID.randomUUID();
        UUID project = DatabaseResource.database().createProject(user, "smoke");
        UUID wf = UUID.randomUUID();
        Instant t = Instant.now().minus(2, ChronoUnit.HOURS);
        new RecordedRuns(recorder).run(project, wf, "order-sync", "succeeded", t)
                .run(project, wf, "order-sync", "failed", t.plusSeconds(60))
                .run(project, wf, "order-sync", "timed_out", t.plusSeconds(120))
                .run(project, wf, "order-sync", "canceled", t.plusSeconds(180)).record();

        RestAssured.given().header("Authorization", "Bearer " + TestTokens.user(user))
                .when().get("/api/metrics/workflows/summary?range=24h&tz=Asia/Kathmandu")
                .then().log().ifValidationFails().statusCode(200)
                .body("workflows", hasSize(1))
                .body("workflows[0].counts.failureRate", equalTo(2f / 3))
                .body("aggregate.counts.canceled", equalTo(1));
        RestAssured.given().header("Authorization", "Bearer " + TestTokens.user(user))
                .when().get("/api/metrics/workflow/" + wf + "?range=24h")
                .then().log().ifValidationFails().statusCode(200)
                .body("workflowSlug", equalTo("order-sync"))
                .body("topErrors", hasSize(2));
    }
}
