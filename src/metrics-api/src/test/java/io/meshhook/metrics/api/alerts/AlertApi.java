package io.meshhook.metrics.api.alerts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.meshhook.metrics.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What the alert tests share: a valid rule body to vary, and requests signed as a given user. */
final class AlertApi {

    static final String RULES = "/api/alerts/rules";

    private AlertApi() {
    }

    /** A valid rule: failure rate above 20 % over an hour, one email; mutable so a test can vary it. */
    static Map<String, Object> rule(UUID project) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("projectId", project.toString());
        rule.put("name", "Order sync failing");
        rule.put("workflowSlug", "order-sync");
        rule.put("metric", "failureRate");
        rule.put("threshold", 0.2);
        rule.put("window", "PT1H");
        rule.put("emails", List.of("ops@example.com"));
        return rule;
    }

    static RequestSpecification as(UUID user) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.user(user))
                .contentType(ContentType.JSON);
    }

    /** Creates the rule as the user and returns its id. */
    static String create(UUID user, Map<String, Object> rule) {
        return as(user).body(rule).when().post(RULES).then().log().ifValidationFails().statusCode(201)
                .extract().path("id");
    }
}
