package io.meshhook.metrics.record;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.meshhook.metrics.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/** Builds outcome bodies the way the engine sends them, and posts them with the service token. */
final class Outcomes {

    private Outcomes() {
    }

    /** A valid outcome body; tests change or remove single fields to make it invalid. */
    static Map<String, Object> outcome(UUID projectId, UUID workflowId, String slug, String status,
            Instant finishedAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", UUID.randomUUID().toString());
        body.put("projectId", projectId.toString());
        body.put("workflowId", workflowId.toString());
        body.put("workflowSlug", slug);
        body.put("workflowVersion", 1);
        body.put("status", status);
        body.put("startedAt", finishedAt.minusMillis(1_500).toString());
        body.put("finishedAt", finishedAt.toString());
        body.put("trigger", "webhook");
        return body;
    }

    static ValidatableResponse post(String path, Object body) {
        return RestAssured.given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + TestTokens.service())
                .body(body).when().post(path).then();
    }
}
