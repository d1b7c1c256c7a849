package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.succeeded;
import static io.meshhook.metrics.testing.Prometheus.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class OperationsTest {

    @Test
    void shouldReportLivenessAndReadinessWithTheDatabaseCheck() {
        RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItem(
                        org.hamcrest.Matchers.containsString("PostgreSQL")));
    }

    @Test
    void shouldCountRecordedRejectedAndRefusedRequestsInPrometheusMetrics() {
        UUID project = DatabaseResource.database().createProject(UUID.randomUUID(), "operations");
        double recorded = metric("run_metrics_outcomes_recorded_total{result=\"new\"}");
        double rejected = metric("run_metrics_outcomes_rejected_total{reason=\"invalid-outcome\"}");
        double refused = metric("run_metrics_requests_refused_total{status=\"401\"}");

        post("/recordOutcome", succeeded(project, UUID.randomUUID())).statusCode(200);
        post("/recordOutcome", Map.of("runId", "nope")).statusCode(422);
        post("/recordOutcome", succeeded(project, UUID.randomUUID()), null).statusCode(401);

        assertThat(metric("run_metrics_outcomes_recorded_total{result=\"new\"}")).isEqualTo(recorded + 1);
        assertThat(metric("run_metrics_outcomes_rejected_total{reason=\"invalid-outcome\"}")).isEqualTo(rejected + 1);
        assertThat(metric("run_metrics_requests_refused_total{status=\"401\"}")).isEqualTo(refused + 1);
        assertThat(RestAssured.get("/q/metrics").asString()).contains("run_metrics_record_seconds_bucket");
    }

    @Test
    void shouldEchoTheCallersRequestIdOrGiveANewOne() {
        RestAssured.given().header("X-Request-Id", "engine-run-42").post("/recordOutcome").then().statusCode(401)
                .header("X-Request-Id", equalTo("engine-run-42"));
        // an id that could forge log lines is replaced, not echoed
        String given = "bad id\r\nInjected: yes";
        String answered = RestAssured.given().header("X-Request-Id", given.replace("\r\n", " ")).get("/q/health/live")
                .then().statusCode(200).extract().header("X-Request-Id");
        assertThat(answered).isNotBlank().doesNotContain(" ");
    }
}
