package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.succeeded;
import static io.meshhook.metrics.record.Outcomes.written;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The body limit (4 MiB): a full batch with long error messages fits; a larger body is 413 with a problem body and
 * writes nothing, also when it comes chunked without a Content-Length (no hang, no 500).
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class BodySizeTest {

    private static final int LIMIT = 4 * 1024 * 1024;

    @TestHTTPResource("/recordOutcomes")
    URI batchUri;

    TestDatabase db;
    UUID project;
    UUID workflow;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "body size");
        workflow = UUID.randomUUID();
    }

    @Test
    void shouldRecordAFullBatchWhoseErrorMessagesAreAtTheStoredLength() {
        List<Map<String, Object>> outcomes = Stream.generate(this::failedWithLongMessage).limit(1_000).toList();

        post("/recordOutcomes", Map.of("outcomes", outcomes)).statusCode(200);

        assertThat(db.scalar("select failure_count from workflow_run_metrics where project_id = ?", project))
                .isEqualTo(1_000);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldAnswer413AndWriteNothingWhenTheBodyIsOverTheLimit() {
        Map<String, Object> outcome = failedWithLongMessage();
        ((Map<String, Object>) outcome.get("error")).put("message", "m".repeat(LIMIT));

        JsonPath body = problem(post("/recordOutcome", outcome), 413);

        assertThat(body.getString("type")).isEqualTo("/problems/payload-too-large");
        assertThat(written(db, project)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    @Test
    void shouldAnswer413AndWriteNothingWhenAnOversizedBodyComesChunked() throws Exception {
        String head = "{\"outcomes\": [" + json(succeeded(project, workflow)) + ", {\"pad\": \"";
        InputStream endless = new SequenceInputStream(new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayInputStream("x".repeat(LIMIT + 1024).getBytes(StandardCharsets.US_ASCII)));
        HttpRequest request = HttpRequest.newBuilder(batchUri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestTokens.service())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> endless)).build();

        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JsonPath.from(response.body()).getInt("status")).isEqualTo(413);
        assertThat(written(db, project)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    private Map<String, Object> failedWithLongMessage() {
        Map<String, Object> outcome = succeeded(project, workflow);
        outcome.put("status", "failed");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", "HTTP_502");
        error.put("message", "upstream said no; ".repeat(112).substring(0, 2_000));
        error.put("step", "charge-card");
        outcome.put("error", error);
        return outcome;
    }

    private static String json(Map<String, Object> outcome) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(outcome);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
