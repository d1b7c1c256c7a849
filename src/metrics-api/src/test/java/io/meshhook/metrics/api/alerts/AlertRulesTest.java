package io.meshhook.metrics.api.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class AlertRulesTest {

    private static final String SECRET = "whsec_[A-Za-z0-9+/]{32}";

    @Test
    void shouldKeepARuleThroughCreateReadUpdateEnableSnoozeAndDeleteAndShowItsSecretOnlyOnce() {
        TestDatabase db = DatabaseResource.database();
        UUID user = UUID.randomUUID();
        UUID project = db.createProject(user, "crud");
        Map<String, Object> rule = AlertApi.rule(project);
        rule.put("webhookUrl", "https://hooks.example.com/meshhook");

        ValidatableResponse created = AlertApi.as(user).body(rule).when().post(AlertApi.RULES).then()
                .log().ifValidationFails().statusCode(201)
                .body("name", equalTo("Order sync failing"))
                .body("operator", equalTo("above"))
                .body("window", equalTo("PT1H"))
                .body("minRuns", equalTo(10))
                .body("createdBy", equalTo(user.toString()))
                .body("webhookSecret", matchesPattern(SECRET));
        String id = created.extract().path("id");
        String secret = created.extract().path("webhookSecret");
        created.header("Location", AlertApi.RULES + "/" + id);
        assertThat(storedSecret(id)).isEqualTo(secret);

        AlertApi.as(user).when().get(AlertApi.RULES + "/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("webhookUrl", equalTo("https://hooks.example.com/meshhook"))
                .body("$", not(hasKey("webhookSecret")));
        AlertApi.as(user).queryParam("project", project.toString()).when().get(AlertApi.RULES).then()
                .statusCode(200).body("rules", hasSize(1)).body("rules[0].id", equalTo(id))
                .body("rules[0]", not(hasKey("webhookSecret")));

        // full update: omitted optional fields go back to their defaults; the secret stays and is not shown
        rule.put("threshold", 0.3);
        rule.put("minRuns", 25);
        rule.put("for", "PT10M");
        AlertApi.as(user).body(rule).when().put(AlertApi.RULES + "/" + id).then().log().ifValidationFails()
                .statusCode(200).body("threshold", equalTo(0.3f)).body("minRuns", equalTo(25))
                .body("for", equalTo("PT10M")).body("$", not(hasKey("webhookSecret")));
        assertThat(storedSecret(id)).isEqualTo(secret);
        rule.remove("minRuns");
        rule.put("rotateWebhookSecret", true);
        String rotated = AlertApi.as(user).body(rule).when().put(AlertApi.RULES + "/" + id).then()
                .statusCode(200).body("minRuns", equalTo(10)).body("webhookSecret", matchesPattern(SECRET))
                .extract().path("webhookSecret");
        assertThat(rotated).isNotEqualTo(secret);
        assertThat(storedSecret(id)).isEqualTo(rotated);
        rule.remove("rotateWebhookSecret");
        rule.remove("webhookUrl");
        AlertApi.as(user).body(rule).when().put(AlertApi.RULES + "/" + id).then().statusCode(200)
                .body("webhookUrl", nullValue()).body("$", not(hasKey("webhookSecret")));
        assertThat(storedSecret(id)).isNull();

        AlertApi.as(user).when().post(AlertApi.RULES + "/" + id + "/disable").then().statusCode(200)
                .body("enabled", equalTo(false));
        AlertApi.as(user).body(rule).when().put(AlertApi.RULES + "/" + id).then().statusCode(200)
                .body("enabled", equalTo(false));
        AlertApi.as(user).when().post(AlertApi.RULES + "/" + id + "/enable").then().statusCode(200)
                .body("enabled", equalTo(true));

        Instant before = Instant.now();
        String until = AlertApi.as(user).body(Map.of("for", "PT2H")).when().post(AlertApi.RULES + "/" + id
                + "/snooze").then().log().ifValidationFails().statusCode(200).extract().path("snoozedUntil");
        assertThat(Instant.parse(until)).isBetween(before.plus(Duration.ofHours(2)).minusSeconds(1),
                Instant.now().plus(Duration.ofHours(2)).plusSeconds(1));
        Instant at = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        AlertApi.as(user).body(Map.of("until", at.toString())).when().post(AlertApi.RULES + "/" + id + "/snooze")
                .then().statusCode(200).body("snoozedUntil", equalTo(at.toString()));
        AlertApi.as(user).body(Map.of("until", "2001-01-01T00:00:00Z", "why", "x")).when()
                .post(AlertApi.RULES + "/" + id + "/snooze").then().statusCode(422)
                .body("type", equalTo("/problems/invalid-snooze")).body("errors", hasSize(2));
        AlertApi.as(user).when().post(AlertApi.RULES + "/" + id + "/unsnooze").then().statusCode(200)
                .body("snoozedUntil", nullValue());

        AlertApi.as(user).when().delete(AlertApi.RULES + "/" + id).then().statusCode(204);
        AlertApi.as(user).when().get(AlertApi.RULES + "/" + id).then().statusCode(404)
                .body("type", equalTo("/problems/alert-rule-not-found"));
        AlertApi.as(user).when().delete(AlertApi.RULES + "/" + id).then().statusCode(404);
    }

    @Test
    void shouldListTheHistoryNewestFirstWithDeliveryFailuresAndTheCurrentStates() {
        TestDatabase db = DatabaseResource.database();
        UUID user = UUID.randomUUID();
        UUID project = db.createProject(user, "history");
        UUID rule = UUID.fromString(AlertApi.create(user, AlertApi.rule(project)));
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        // what the evaluator would have written, as the service
        event(project, rule, "transition", "pending", t);
        event(project, rule, "transition", "firing", t.plusSeconds(600));
        event(project, rule, "delivery_failed", "firing", t.plusSeconds(900));
        db.execute("insert into alert_states (project_id, rule_id, workflow_slug, state, state_since, firing_since,"
                + " last_value, last_runs, last_evaluated_at) values (?, ?, 'order-sync', 'firing', ?::timestamptz,"
                + " ?::timestamptz, 0.5, 40, now())", project, rule, t.plusSeconds(600).toString(),
                t.plusSeconds(600).toString());

        AlertApi.as(user).queryParam("rule", rule.toString()).when().get("/api/alerts/events").then()
                .log().ifValidationFails().statusCode(200).body("events", hasSize(3))
                .body("events.kind", equalTo(List.of("delivery_failed", "transition", "transition")))
                .body("events[0].occurredAt", equalTo(t.plusSeconds(900).toString()))
                .body("events[0].details.channel", equalTo("webhook"))
                .body("events[0].ruleName", equalTo("Order sync failing"));
        AlertApi.as(user).queryParam("project", project.toString()).queryParam("limit", "1").when()
                .get("/api/alerts/events").then().statusCode(200).body("events", hasSize(1));
        AlertApi.as(user).queryParam("limit", "0").queryParam("color", "red").when().get("/api/alerts/events")
                .then().statusCode(400).body("errors", hasSize(2));
        AlertApi.as(user).queryParam("project", project.toString()).when().get("/api/alerts/states").then()
                .statusCode(200).body("states", hasSize(1)).body("states[0].state", equalTo("firing"))
                .body("states[0].workflowSlug", equalTo("order-sync")).body("states[0].lastValue", equalTo(0.5f));

        // history goes with its rule
        AlertApi.as(user).when().delete(AlertApi.RULES + "/" + rule).then().statusCode(204);
        assertThat(db.scalar("select count(*) from alert_events where rule_id = ?", rule)).isZero();
    }

    @Test
    void shouldAcceptWhatGetAnsweredAsAFullUpdateAndRefuseCallersWithoutAToken() {
        UUID user = UUID.randomUUID();
        UUID project = DatabaseResource.database().createProject(user, "put-back");
        String id = AlertApi.create(user, AlertApi.rule(project));
        Map<String, Object> read = AlertApi.as(user).when().get(AlertApi.RULES + "/" + id).then().statusCode(200)
                .extract().as(Map.class);
        read.put("name", "renamed");
        AlertApi.as(user).body(read).when().put(AlertApi.RULES + "/" + id).then().log().ifValidationFails()
                .statusCode(200).body("name", equalTo("renamed")).body("window", equalTo("PT1H"));
        read.put("projectId", DatabaseResource.database().createProject(user, "other").toString());
        AlertApi.as(user).body(read).when().put(AlertApi.RULES + "/" + id).then().statusCode(422)
                .body("errors[0].field", equalTo("projectId"));

        io.restassured.RestAssured.given().contentType("application/json").body(AlertApi.rule(project)).when()
                .post(AlertApi.RULES).then().statusCode(401);
        io.restassured.RestAssured.given().when().get(AlertApi.RULES + "/" + id).then().statusCode(401);
    }

    private static void event(UUID project, UUID rule, String kind, String to, Instant at) {
        DatabaseResource.database().execute("insert into alert_events (project_id, rule_id, workflow_slug, kind,"
                + " to_state, occurred_at, value, threshold, runs, failures, details) values (?, ?, 'order-sync', ?,"
                + " ?, ?::timestamptz, 0.5, 0.2, 40, 20, ?::jsonb)", project, rule, kind, to, at.toString(),
                kind.equals("delivery_failed") ? "{\"channel\": \"webhook\", \"error\": \"HTTP 500\"}" : "{}");
    }

    private static String storedSecret(String id) {
        return (String) DatabaseResource.database()
                .query("select webhook_secret from alert_rules where id = ?", UUID.fromString(id)).get(0)
                .get("webhook_secret");
    }
}
