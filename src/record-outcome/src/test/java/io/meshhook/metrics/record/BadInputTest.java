package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.succeeded;
import static io.meshhook.metrics.record.Outcomes.written;
import static java.time.temporal.ChronoUnit.DAYS;
import static java.time.temporal.ChronoUnit.MINUTES;
import static java.time.temporal.ChronoUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class BadInputTest {

    private static final String ONE = "/recordOutcome";
    private static final String BATCH = "/recordOutcomes";

    TestDatabase db;

    @BeforeEach
    void database() {
        db = DatabaseResource.database();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                refused("malformed JSON", ONE, 400, p -> "{\"runId\": "),
                refused("an empty body", ONE, 400, p -> ""),
                invalid("a JSON array instead of an object", p -> List.of(p.outcome()), "body"),
                invalid("no status", p -> without(p.outcome(), "status"), "status"),
                invalid("the unknown status \"ok\"", p -> with(p.outcome(), "status", "ok"), "status"),
                invalid("status as a number", p -> with(p.outcome(), "status", 1), "status"),
                invalid("a runId that is not a uuid", p -> with(p.outcome(), "runId", "run-42"), "runId"),
                // UUID.fromString accepts this short form; two spellings of one id would defeat the ledger
                invalid("a runId in a short uuid form", p -> with(p.outcome(), "runId", "1-2-3-4-5"), "runId"),
                invalid("a projectId that is not a uuid", p -> with(p.outcome(), "projectId", "acme"), "projectId"),
                invalid("no workflowId", p -> without(p.outcome(), "workflowId"), "workflowId"),
                invalid("finishedAt before startedAt", p -> with(p.outcome(), "startedAt", Instant.now().toString()),
                        "finishedAt"),
                invalid("finishedAt 10 minutes in the future", p -> finishing(p.outcome(), Instant.now().plus(10,
                        MINUTES)), "finishedAt"),
                // past the rollup retention the ledger no longer remembers the run id, so it could count twice
                invalid("finishedAt 401 days ago", p -> finishing(p.outcome(), Instant.now().minus(401, DAYS)),
                        "finishedAt"),
                // PostgreSQL stores no time before 4713 BC: such a start must be refused, not fail the write
                invalid("startedAt 7,000 years ago", p -> with(p.outcome(), "startedAt", "-5000-01-01T00:00:00Z"),
                        "startedAt"),
                // the earliest time a timestamp can spell; its duration in ms overflows a long
                invalid("startedAt in the year -999999999", p -> with(p.outcome(), "startedAt",
                        "-999999999-01-01T00:00:00Z"), "startedAt"),
                // found by OutcomePropertiesTest: finishedAt minus the retention overflowed Instant (a 500)
                invalid("finishedAt in the year -999999999", p -> with(p.outcome(), "finishedAt",
                        "-999999999-01-01T00:00:00Z"), "finishedAt", "finishedAt"),
                invalid("a timestamp without offset", p -> with(p.outcome(), "finishedAt",
                        LocalDateTime.now(ZoneOffset.UTC).minusMinutes(1).truncatedTo(SECONDS).toString()),
                        "finishedAt"),
                invalid("attempt -1", p -> with(p.outcome(), "attempt", -1), "attempt"),
                invalid("attempt 0", p -> with(p.outcome(), "attempt", 0), "attempt"),
                invalid("attempt as the string \"1\"", p -> with(p.outcome(), "attempt", "1"), "attempt"),
                invalid("attempt 1.5", p -> with(p.outcome(), "attempt", 1.5), "attempt"),
                invalid("workflowVersion 0", p -> with(p.outcome(), "workflowVersion", 0), "workflowVersion"),
                invalid("workflowVersion past the int range", p -> with(p.outcome(), "workflowVersion",
                        2_147_483_648L), "workflowVersion"),
                invalid("a blank workflowSlug", p -> with(p.outcome(), "workflowSlug", "  "), "workflowSlug"),
                invalid("a workflowSlug of 201 characters", p -> with(p.outcome(), "workflowSlug", "s".repeat(201)),
                        "workflowSlug"),
                invalid("a workflowSlug containing NUL", p -> with(p.outcome(), "workflowSlug", "order\u0000sync"),
                        "workflowSlug"),
                invalid("a workflowSlug with an unpaired surrogate (JSON \\udc00)", p -> rawJson(with(p.outcome(),
                        "workflowSlug", "order-LONE"), "LONE", "\\udc00"), "workflowSlug"),
                invalid("workflowSlug as a number", p -> with(p.outcome(), "workflowSlug", 42), "workflowSlug"),
                invalid("retryOf equal to runId", p -> retryingItself(p.outcome()), "retryOf"),
                invalid("retryOf that is not a uuid", p -> with(p.outcome(), "retryOf", "first"), "retryOf"),
                invalid("an error object on a succeeded run", p -> with(p.outcome(), "error", Map.of("code", "E")),
                        "error"),
                invalid("error as a string", p -> failed(p, "upstream returned 502"), "error"),
                invalid("an error code of 201 characters", p -> failed(p, Map.of("code", "C".repeat(201))),
                        "error.code"),
                invalid("the unknown trigger \"cron\"", p -> with(p.outcome(), "trigger", "cron"), "trigger"),
                invalid("a projectId that is not a project", p -> with(p.outcome(), "projectId",
                        p.unknown.toString()), "projectId"),
                invalid("several invalid fields at once", p -> with(with(with(p.outcome(), "status", "ok"),
                        "attempt", 0), "trigger", "cron"), "status", "attempt", "trigger"),
                refused("a body over 4 MiB", ONE, 413, p -> failed(p, Map.of("message", "m".repeat(4_200_000)))),
                invalidBatch("1001 outcomes", p -> batch(Stream.generate(p::outcome).limit(1_001)), "outcomes"),
                invalidBatch("an empty batch", p -> batch(Stream.empty()), "outcomes"),
                invalidBatch("outcomes that is not an array", p -> Map.of("outcomes", p.outcome()), "outcomes"),
                invalidBatch("no outcomes", p -> Map.of(), "outcomes"),
                invalidBatch("a JSON array instead of a batch", p -> List.of(p.outcome()), "body"),
                invalidBatch("item 1 of 3 finishing before it started", p -> batch(Stream.of(p.outcome(),
                        with(p.outcome(), "startedAt", Instant.now().toString()), p.outcome())),
                        "outcomes[1].finishedAt"),
                invalidBatch("errors in items 0 and 2", p -> batch(Stream.of(with(p.outcome(), "status", "ok"),
                        p.outcome(), with(p.outcome(), "attempt", 0))), "outcomes[0].status", "outcomes[2].attempt"),
                invalidBatch("an item that is not an object", p -> batch(Stream.of(p.outcome(), "run")),
                        "outcomes[1]"),
                refused("the same runId twice with different statuses", BATCH, 409, p -> {
                    Map<String, Object> first = p.outcome();
                    return batch(Stream.of(first, with(new LinkedHashMap<>(first), "status", "canceled")));
                }, "outcomes[1].runId"),
                refused("a recorded runId again with another finishedAt", ONE, 409, p -> {
                    Map<String, Object> first = p.recordedEarlier(p.outcome());
                    return with(new LinkedHashMap<>(first), "finishedAt",
                            Instant.parse((String) first.get("finishedAt")).plusSeconds(1).toString());
                }, "runId"),
                // the new run is valid; it must be rolled back with the conflicting one
                refused("a batch of a new run and a recorded runId with another status", BATCH, 409, p -> {
                    Map<String, Object> first = p.recordedEarlier(p.outcome());
                    return batch(Stream.of(p.outcome(), with(new LinkedHashMap<>(first), "status", "failed")));
                }, "outcomes[1].runId"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void shouldAnswerAProblemAndWriteNothingWhenTheInputIsBad(String path, Function<FreshProject, Object> input,
            int status, List<String> fields) {
        FreshProject project = new FreshProject(db);
        Object body = input.apply(project);
        Map<String, List<String>> before = written(db, project.id, project.unknown);

        JsonPath answer = problem(post(path, body), status);

        if (fields.isEmpty()) {
            assertThat(answer.getList("errors")).isNull();
        } else {
            assertThat(answer.getList("errors.field", String.class)).containsExactlyInAnyOrderElementsOf(fields);
        }
        Map<String, List<String>> after = written(db, project.id, project.unknown);
        assertThat(after).isEqualTo(before);
        assertThat(after.get("workflow_run_outcome_keys")).hasSize(project.recorded);
        if (project.recorded == 0) {
            assertThat(after).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
        }
    }

    @Test
    void shouldNameEveryInvalidFieldWhenSeveralAreWrong() {
        FreshProject project = new FreshProject(db);
        Map<String, Object> body = with(with(without(project.outcome(), "workflowId"), "workflowVersion", 0),
                "trigger", "cron");

        JsonPath answer = problem(post(ONE, body), 422);

        assertThat(answer.getString("detail")).isEqualTo("3 fields are invalid");
        assertThat(answer.getList("errors.field", String.class))
                .containsExactlyInAnyOrder("workflowId", "workflowVersion", "trigger");
        assertThat(written(db, project.id)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    @Test
    void shouldStoreTheFirst2000CharactersWhenTheErrorMessageIsLonger() {
        FreshProject project = new FreshProject(db);
        String message = "a".repeat(2_000) + "b".repeat(3_000);
        Map<String, Object> body = failed(project, Map.of("code", "HTTP_500", "message", message));

        post(ONE, body).statusCode(200).body("duplicate", equalTo(false));

        assertThat(storedMessage(body)).isEqualTo("a".repeat(2_000));
    }

    @Test
    void shouldStoreTheMessageWithoutNulWhenTheErrorMessageContainsOne() {
        FreshProject project = new FreshProject(db);
        Map<String, Object> body = failed(project, Map.of("message", "connection reset\u0000 by peer"));

        post(ONE, body).statusCode(200).body("duplicate", equalTo(false));

        assertThat(storedMessage(body)).doesNotContain("\u0000").startsWith("connection reset").endsWith(" by peer");
    }

    @Test
    void shouldStoreTheMessageWithAReplacementCharacterWhenItHoldsAnUnpairedSurrogate() {
        FreshProject project = new FreshProject(db);
        Map<String, Object> body = failed(project, Map.of("message", "bad byte LONE here"));

        post(ONE, rawJson(body, "LONE", "\\ud800")).statusCode(200).body("duplicate", equalTo(false));

        assertThat(storedMessage(body)).isEqualTo("bad byte \uFFFD here");
    }

    @Test
    void shouldRecordTheOutcomeWhenTheBodyHasFieldsTheContractDoesNotName() {
        FreshProject project = new FreshProject(db);
        // a newer engine may send more than this version knows; that must not lose the run
        Map<String, Object> body = with(with(project.outcome(), "engineNode", "worker-7"), "labels",
                Map.of("region", "eu-west"));

        post(ONE, body).statusCode(200).body("duplicate", equalTo(false));

        assertThat(db.scalar("select success_count from workflow_run_metrics where project_id = ?", project.id))
                .isEqualTo(1);
    }

    /** The body as JSON text with {@code marker} replaced by raw JSON (escapes that a Java string cannot carry). */
    private static String rawJson(Object body, String marker, String raw) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body).replace(marker, raw);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String storedMessage(Map<String, Object> body) {
        return (String) db.query("select error_message from workflow_run_outcomes where run_id = ?",
                UUID.fromString((String) body.get("runId"))).get(0).get("error_message");
    }

    private static Arguments invalid(String tried, Function<FreshProject, Object> body, String... fields) {
        return refused(tried, ONE, 422, body, fields);
    }

    private static Arguments invalidBatch(String tried, Function<FreshProject, Object> body, String... fields) {
        return refused(tried, BATCH, 422, body, fields);
    }

    private static Arguments refused(String tried, String path, int status, Function<FreshProject, Object> body,
            String... fields) {
        return argumentSet(tried, path, body, status, List.of(fields));
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        body.put(field, value);
        return body;
    }

    private static Map<String, Object> without(Map<String, Object> body, String field) {
        body.remove(field);
        return body;
    }

    /** Moves both times, so that only the finish is out of range. */
    private static Map<String, Object> finishing(Map<String, Object> body, Instant finishedAt) {
        return with(with(body, "startedAt", finishedAt.minusSeconds(2).toString()), "finishedAt",
                finishedAt.toString());
    }

    private static Map<String, Object> retryingItself(Map<String, Object> body) {
        return with(body, "retryOf", body.get("runId"));
    }

    private static Map<String, Object> failed(FreshProject project, Object error) {
        return with(with(project.outcome(), "status", "failed"), "error", error);
    }

    private static Map<String, Object> batch(Stream<?> outcomes) {
        return Map.of("outcomes", outcomes.toList());
    }

    /** A project of one case's own, so that "nothing was written" cannot be masked by another case's rows. */
    static final class FreshProject {
        final UUID id;
        final UUID workflow = UUID.randomUUID();
        /** A well-formed project id that no project has. */
        final UUID unknown = UUID.randomUUID();
        int recorded;

        FreshProject(TestDatabase db) {
            id = db.createProject(UUID.randomUUID(), "bad input");
        }

        Map<String, Object> outcome() {
            return succeeded(id, workflow);
        }

        /** Records the outcome before the case's own request, which must then leave it counted exactly once. */
        Map<String, Object> recordedEarlier(Map<String, Object> body) {
            post(ONE, body).statusCode(200).body("duplicate", equalTo(false));
            recorded++;
            return body;
        }
    }
}
