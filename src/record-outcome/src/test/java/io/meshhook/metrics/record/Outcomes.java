package io.meshhook.metrics.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * Builds outcome bodies the way the engine sends them, posts them, and reads back what a request answered and
 * wrote.
 */
final class Outcomes {

    /** Every table the record path writes; a refused request must leave all of them as they were. */
    private static final List<String> WRITTEN_TABLES = List.of("workflow_run_outcome_keys", "workflow_run_outcomes",
            "workflow_run_metrics", "workflow_run_rollups", "workflow_run_error_rollups");

    /** What would betray the implementation: stack traces, class names, SQL. */
    private static final List<String> LEAKS = List.of("Exception", "java.", "at io.", "select ", "insert into",
            "jsonb", "SQLSTATE", "workflow_run_");

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

    /** A valid outcome of a run that succeeded a minute ago, for tests where only one detail matters. */
    static Map<String, Object> succeeded(UUID projectId, UUID workflowId) {
        return outcome(projectId, workflowId, "nightly-report", "succeeded", Instant.now().minusSeconds(60));
    }

    static ValidatableResponse post(String path, Object body) {
        return post(path, body, "Bearer " + TestTokens.service());
    }

    /** Posts with this Authorization header, or with none when it is null. */
    static ValidatableResponse post(String path, Object body, String authorization) {
        RequestSpecification request = RestAssured.given().contentType(ContentType.JSON).body(body);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.when().post(path).then();
    }

    /**
     * Asserts that the answer is an RFC 9457 problem with this status that gives nothing of the implementation
     * away, and returns its body.
     */
    static JsonPath problem(ValidatableResponse response, int status) {
        Response answer = response.extract().response();
        String body = answer.asString();
        assertThat(answer.statusCode()).as("HTTP status of the answer %s", body).isEqualTo(status);
        assertThat(answer.contentType()).as("content type of the answer %s", body)
                .isEqualTo("application/problem+json");
        assertThat(body).doesNotContain(LEAKS);
        JsonPath json = JsonPath.from(body);
        assertThat(json.getInt("status")).as("status in the body").isEqualTo(status);
        assertThat(json.getString("type")).startsWith("/problems/");
        assertThat(json.getString("title")).isNotBlank();
        assertThat(json.getString("detail")).isNotBlank();
        return json;
    }

    /**
     * Every row of these projects in the tables the record path writes, each row as JSON text, so that a refused
     * request can be shown to have inserted, updated and deleted nothing.
     */
    static Map<String, List<String>> written(TestDatabase db, UUID... projects) {
        String ids = Arrays.stream(projects).map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
        // one query, so that a snapshot costs one connection rather than one per table
        String sql = WRITTEN_TABLES.stream()
                .map(table -> "select '" + table + "' as tbl, to_jsonb(t)::text as row from " + table
                        + " t where project_id = any(?::uuid[])")
                .collect(Collectors.joining(" union all ", "", " order by 1, 2"));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        WRITTEN_TABLES.forEach(table -> rows.put(table, new ArrayList<>()));
        db.query(sql, Collections.nCopies(WRITTEN_TABLES.size(), ids).toArray())
                .forEach(row -> rows.get((String) row.get("tbl")).add((String) row.get("row")));
        return rows;
    }
}
