package io.meshhook.metrics.evaluator;

import static io.meshhook.metrics.testing.Prometheus.metric;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class OperationsMetricsTest extends AlertScenario {

    @Test
    void shouldCountEvaluationsRulesAndDeliveriesPerChannelInPrometheusMetrics() {
        double emails = metric("run_metrics_notifications_total{channel=\"email\",result=\"sent\"}");
        double rules = metric("run_metrics_rules_evaluated_total");
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));

        evaluate();

        assertThat(metric("run_metrics_notifications_total{channel=\"email\",result=\"sent\"}")).isEqualTo(emails + 1);
        assertThat(metric("run_metrics_rules_evaluated_total")).isGreaterThanOrEqualTo(rules + 1);
        String scrape = RestAssured.get("/q/metrics").asString();
        assertThat(scrape).contains("run_metrics_evaluation_seconds_bucket").contains("run_metrics_outbox_pending");
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }
}
