package io.meshhook.metrics.api.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class AlertIsolationTest {

    @Test
    void shouldAnswerUserBExactlyAsForAnUnknownIdWhenTouchingUserAsRulesOrProject() {
        TestDatabase db = DatabaseResource.database();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID projectA = db.createProject(a, "tenant-a");
        UUID projectB = db.createProject(b, "tenant-b");
        String ruleA = AlertApi.create(a, AlertApi.rule(projectA));
        AlertApi.create(b, AlertApi.rule(projectB));
        String unknown = UUID.randomUUID().toString();
        Map<String, Object> change = AlertApi.rule(projectA);
        change.put("name", "taken over");

        List<Function<String, Response>> onRule = List.of(
                id -> AlertApi.as(b).when().get(AlertApi.RULES + "/" + id),
                id -> AlertApi.as(b).body(change).when().put(AlertApi.RULES + "/" + id),
                id -> AlertApi.as(b).when().delete(AlertApi.RULES + "/" + id),
                id -> AlertApi.as(b).when().post(AlertApi.RULES + "/" + id + "/disable"),
                id -> AlertApi.as(b).when().post(AlertApi.RULES + "/" + id + "/enable"),
                id -> AlertApi.as(b).body(Map.of("for", "PT2H")).when().post(AlertApi.RULES + "/" + id + "/snooze"),
                id -> AlertApi.as(b).when().post(AlertApi.RULES + "/" + id + "/unsnooze"),
                id -> AlertApi.as(b).queryParam("rule", id).when().get("/api/alerts/events"),
                id -> AlertApi.as(b).queryParam("rule", id).when().get("/api/alerts/states"));
        for (Function<String, Response> call : onRule) {
            assertSameNotFound(call.apply(ruleA), call.apply(unknown));
        }

        Map<String, Object> intoA = AlertApi.rule(projectA);
        Map<String, Object> intoUnknown = AlertApi.rule(UUID.fromString(unknown));
        List<Function<Map<String, Object>, Response>> onProject = List.of(
                body -> list(AlertApi.as(b), (String) body.get("projectId"), AlertApi.RULES),
                body -> list(AlertApi.as(b), (String) body.get("projectId"), "/api/alerts/events"),
                body -> list(AlertApi.as(b), (String) body.get("projectId"), "/api/alerts/states"),
                body -> AlertApi.as(b).body(body).when().post(AlertApi.RULES),
                body -> AlertApi.as(b).body(body).when().post("/api/alerts/backtest"));
        for (Function<Map<String, Object>, Response> call : onProject) {
            assertSameNotFound(call.apply(intoA), call.apply(intoUnknown));
        }

        // B's own listing has only B's rule; A's rule is untouched
        AlertApi.as(b).when().get(AlertApi.RULES).then().statusCode(200).body("rules", hasSize(1))
                .body("rules[0].projectId", equalTo(projectB.toString()));
        Map<String, Object> stored = db.query("select name, enabled, snoozed_until from alert_rules where id = ?",
                UUID.fromString(ruleA)).get(0);
        assertThat(stored.get("name")).isEqualTo("Order sync failing");
        assertThat(stored.get("enabled")).isEqualTo(true);
        assertThat(stored.get("snoozed_until")).isNull();
        assertThat(db.scalar("select count(*) from alert_rules where project_id = ?", projectA)).isEqualTo(1);
    }

    private static Response list(RequestSpecification as, String project, String path) {
        return as.queryParam("project", project).when().get(path);
    }

    private static void assertSameNotFound(Response other, Response unknown) {
        assertThat(other.statusCode()).as(other.asString()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(other.asString()).isEqualTo(unknown.asString());
        assertThat(other.contentType()).startsWith("application/problem+json");
    }
}
