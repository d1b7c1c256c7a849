package io.meshhook.metrics.api.alerts;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class RuleValidationTest {

    private static final String REMOVE = "<remove>";
    private static final UUID USER = UUID.randomUUID();

    static Stream<Arguments> invalidRules() {
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            tooMany.add("ops" + i + "@example.com");
        }
        return Stream.of(
                Arguments.of(Map.of("name", REMOVE), List.of("name")),
                Arguments.of(Map.of("name", "x".repeat(201)), List.of("name")),
                Arguments.of(Map.of("projectId", "not-a-uuid"), List.of("projectId")),
                Arguments.of(Map.of("projectId", REMOVE), List.of("projectId")),
                Arguments.of(Map.of("metric", "errorRate"), List.of("metric")),
                Arguments.of(Map.of("operator", "atLeast"), List.of("operator")),
                Arguments.of(Map.of("metric", "runsBelow", "threshold", 5, "operator", "above"), List.of("operator")),
                Arguments.of(Map.of("threshold", 1.5), List.of("threshold")),
                Arguments.of(Map.of("metric", "failures", "threshold", 2.5), List.of("threshold")),
                Arguments.of(Map.of("metric", "consecutiveFailures", "threshold", 0), List.of("threshold")),
                Arguments.of(Map.of("recoverThreshold", 0.5), List.of("recoverThreshold")),
                Arguments.of(Map.of("metric", "successRate", "threshold", 0.9, "recoverThreshold", 0.8),
                        List.of("recoverThreshold")),
                Arguments.of(Map.of("window", "PT1M"), List.of("window")),
                Arguments.of(Map.of("window", 604801), List.of("window")),
                Arguments.of(Map.of("window", "an hour"), List.of("window")),
                Arguments.of(Map.of("minRuns", -1), List.of("minRuns")),
                Arguments.of(Map.of("for", "PT25H"), List.of("for")),
                Arguments.of(Map.of("repeatEvery", "PT1M"), List.of("repeatEvery")),
                Arguments.of(Map.of("notifyOnResolve", "yes"), List.of("notifyOnResolve")),
                Arguments.of(Map.of("emails", List.of("ops@example.com", "not an address")), List.of("emails[1]")),
                Arguments.of(Map.of("emails", tooMany), List.of("emails")),
                Arguments.of(Map.of("webhookUrl", "ftp://example.com/hook"), List.of("webhookUrl")),
                Arguments.of(Map.of("slackUrl", "http://hooks.slack.com/services/T/B/X"), List.of("slackUrl")),
                Arguments.of(Map.of("emails", REMOVE), List.of("channels")),
                Arguments.of(Map.of("emails", List.of()), List.of("channels")),
                Arguments.of(Map.of("minRun", 5), List.of("minRun")),
                Arguments.of(Map.of("rotateWebhookSecret", true), List.of("rotateWebhookSecret")),
                Arguments.of(Map.of("name", REMOVE, "threshold", REMOVE, "window", REMOVE, "slackUrl", "nope"),
                        List.of("name", "threshold", "window", "slackUrl")));
    }

    @ParameterizedTest
    @MethodSource("invalidRules")
    void shouldRefuseTheRuleWith422NamingExactlyTheBadFieldsWhenCreated(Map<String, Object> change,
            List<String> fields) {
        UUID project = DatabaseResource.database().createProject(USER, "validation");
        Map<String, Object> rule = AlertApi.rule(project);
        change.forEach((field, value) -> {
            if (REMOVE.equals(value)) {
                rule.remove(field);
            } else {
                rule.put(field, value);
            }
        });

        AlertApi.as(USER).body(rule).when().post(AlertApi.RULES).then().log().ifValidationFails()
                .statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("/problems/invalid-rule"))
                .body("errors", hasSize(fields.size()))
                .body("errors.field", containsInAnyOrder(fields.toArray()));
        long rules = DatabaseResource.database().scalar("select count(*) from alert_rules where project_id = ?",
                project);
        org.assertj.core.api.Assertions.assertThat(rules).isZero();
    }

    @Test
    void shouldRefuseANameOrAnEmailWithAnUnpairedSurrogateWith422AndCreateNothing() throws Exception {
        // found by RulePropertiesTest (seed -3509544600978651215): a name with JSON "\\ud8ea" and no low half reached
        // PostgreSQL, which refused its UTF-8 (22021), and the caller got a 500
        UUID project = DatabaseResource.database().createProject(USER, "surrogates");
        Map<String, Object> rule = AlertApi.rule(project);
        rule.put("name", "Order LONE_HIGH sync");
        rule.put("emails", List.of("opsLONE_LOW@example.com"));
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(rule)
                .replace("LONE_HIGH", "\\ud8ea").replace("LONE_LOW", "\\udc00");

        AlertApi.as(USER).contentType("application/json").body(body).when().post(AlertApi.RULES).then()
                .log().ifValidationFails().statusCode(422).contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("name", "emails[0]"));
        org.assertj.core.api.Assertions.assertThat(DatabaseResource.database()
                .scalar("select count(*) from alert_rules where project_id = ?", project)).isZero();
    }

    @Test
    void shouldAnswer400WhenTheBodyIsNotJsonAndAcceptEveryDefaultWhenOmitted() {
        UUID project = DatabaseResource.database().createProject(USER, "validation");
        AlertApi.as(USER).body("{\"name\": ").when().post(AlertApi.RULES).then().statusCode(400)
                .contentType("application/problem+json");
        AlertApi.as(USER).body("[1, 2]").when().post(AlertApi.RULES).then().statusCode(400);
        AlertApi.as(USER).body(Collections.emptyMap()).when().post("/api/alerts/backtest").then().statusCode(422);

        Map<String, Object> minimal = AlertApi.rule(project);
        minimal.put("metric", "failures");
        minimal.put("threshold", 3);
        minimal.put("window", 900);
        AlertApi.as(USER).body(minimal).when().post(AlertApi.RULES).then().log().ifValidationFails()
                .statusCode(201)
                .body("operator", equalTo("atLeast"))
                .body("window", equalTo("PT15M"))
                .body("minRuns", equalTo(10))
                .body("for", equalTo("PT0S"))
                .body("repeatEvery", equalTo("PT4H"))
                .body("notifyOnResolve", equalTo(true))
                .body("enabled", equalTo(true));
    }
}
