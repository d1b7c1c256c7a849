package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.succeeded;
import static io.meshhook.metrics.record.Outcomes.written;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

/**
 * The service's request budget, set low here (3 at once, then one every 10 seconds): a flood is answered 429 with
 * Retry-After before its body is read, writes nothing, and the next request after Retry-After is recorded.
 * <p>
 * The refill is slow so that the budget stays used up between a refusal and the request a test then expects refused:
 * at 1 a second, the next token came back in between in about one run in twenty on a loaded 2-core machine.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(LimitsTest.LowLimits.class)
class LimitsTest {

    /** A budget a test can use up in a few requests. */
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("run-metrics.limits.service-rate", "0.1", "run-metrics.limits.service-burst", "3");
        }
    }

    TestDatabase db;
    UUID project;
    UUID workflow;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "limits");
        workflow = UUID.randomUUID();
    }

    @Test
    void shouldRefuseWith429AndWriteNothingWhenTheServiceSendsMoreThanItsBudget() {
        long retryAfter = useUpTheBudget();
        Map<String, Object> outcome = succeeded(project, workflow);
        Map<String, List<String>> before = written(db, project);

        ValidatableResponse refused = post("/recordOutcome", outcome);

        JsonPath body = problem(refused, 429);
        assertThat(body.getString("type")).isEqualTo("/problems/rate-limited");
        assertThat(Long.parseLong(refused.extract().header("Retry-After"))).isBetween(1L, retryAfter);
        assertThat(written(db, project)).isEqualTo(before).allSatisfy((table, rows) -> assertThat(rows).isEmpty());
    }

    @Test
    void shouldRefuseAWholeBatchWith429AndWriteNoneOfIt() {
        useUpTheBudget();
        List<Map<String, Object>> outcomes = Stream.generate(() -> succeeded(project, workflow)).limit(50).toList();

        problem(post("/recordOutcomes", Map.of("outcomes", outcomes)), 429);

        assertThat(written(db, project)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    @Test
    void shouldRecordTheOutcomeWhenItIsSentAgainAfterRetryAfter() throws InterruptedException {
        useUpTheBudget();
        Map<String, Object> outcome = succeeded(project, workflow);
        ValidatableResponse refused = post("/recordOutcome", outcome);
        problem(refused, 429);

        Thread.sleep(Long.parseLong(refused.extract().header("Retry-After")) * 1000);

        post("/recordOutcome", outcome).statusCode(200);
        assertThat(db.scalar("select success_count from workflow_run_metrics where project_id = ?", project))
                .isEqualTo(1);
        assertThat(db.scalar("select count(*) from workflow_run_outcomes where project_id = ?", project))
                .isEqualTo(1);
    }

    @Test
    void shouldKeepAnsweringHealthChecksWhileTheServiceIsOverBudget() {
        useUpTheBudget();

        // tried: 20 health checks in a row with the budget used up; if they counted against it, all of them would be
        // refused
        for (int i = 0; i < 20; i++) {
            RestAssured.given().when().get("/q/health/live").then().statusCode(200);
        }
        // and the service itself was still over its budget
        useUpTheBudget();
    }

    /** Sends cheap requests (an empty body: 422) until one is refused; returns that refusal's Retry-After. */
    private static long useUpTheBudget() {
        for (int i = 0; i < 10; i++) {
            ValidatableResponse response = post("/recordOutcome", Map.of());
            int status = response.extract().statusCode();
            if (status == 429) {
                return Long.parseLong(response.extract().header("Retry-After"));
            }
            assertThat(status).as("a request within the budget is handled").isEqualTo(422);
        }
        throw new AssertionError("10 requests at once were never refused; is the low budget applied?");
    }
}
