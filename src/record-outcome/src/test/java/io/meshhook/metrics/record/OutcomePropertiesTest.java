package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.problem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.Fuzz;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Properties of the record path over HTTP, for outcomes and batches derived from valid ones by jqwik-generated
 * mutations (wrong types, missing fields, huge and negative numbers, hostile strings, invalid dates, nested junk,
 * broken JSON text): the answer is never a 500 but one of the statuses the contract names; every refusal is a
 * problem body and wrote nothing; every acceptance wrote exactly its outcomes, once each, into ledger, counters and
 * rollups. Each request gets a project of its own, so what it wrote can be counted exactly.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class OutcomePropertiesTest {

    private static final Set<Integer> EXPECTED = Set.of(200, 400, 409, 413, 422);
    private static final List<String> FIELDS = List.of("runId", "projectId", "workflowId", "workflowSlug",
            "workflowVersion", "status", "startedAt", "finishedAt", "attempt", "retryOf", "trigger", "error",
            "unknownField");
    private static final List<String> STATUSES = List.of("succeeded", "failed", "canceled", "timed_out");
    private static final List<String> TRIGGERS = List.of("webhook", "schedule", "manual", "replay", "test");

    TestDatabase db;

    /** What a try sends: a description for the failure message and the body, built for its own project. */
    record Mutation(String description, Function<Map<String, Object>, String> body) {
    }

    @BeforeEach
    void database() {
        db = DatabaseResource.database();
    }

    @Test
    void shouldAnswerEveryMutatedOutcomeAsTheContractSaysAndWriteExactlyWhatItAccepted() {
        long seed = Fuzz.seed();
        List<Mutation> tries = Fuzz.samples(outcomeMutations(), 250, seed);
        List<UUID> projects = createProjects(tries.size());
        Map<UUID, Long> expected = new HashMap<>();
        Map<UUID, String> contexts = new HashMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < tries.size(); i++) {
            UUID project = projects.get(i);
            String body = tries.get(i).body().apply(valid(project));

            Response response = post("/recordOutcome", body);

            String context = "seed " + seed + ", " + tries.get(i).description() + ": " + abbreviated(body);
            statuses.merge(response.statusCode(), 1, Integer::sum);
            boolean accepted = check(response, context);
            if (accepted) {
                assertThat(response.jsonPath().getBoolean("duplicate")).as(context).isFalse();
            }
            expected.put(project, accepted ? 1L : 0L);
            contexts.put(project, context);
        }
        assertWritten(expected, contexts);
        assertThat(statuses).as("seed %d: statuses answered", seed).containsKeys(200, 400, 422);
    }

    @Test
    void shouldAnswerEveryMutatedBatchAsTheContractSaysAndWriteAllOrNothing() {
        long seed = Fuzz.seed();
        List<Mutation> tries = Fuzz.samples(batchMutations(), 120, seed);
        List<UUID> projects = createProjects(tries.size());
        Map<UUID, Long> expected = new HashMap<>();
        Map<UUID, String> contexts = new HashMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < tries.size(); i++) {
            UUID project = projects.get(i);
            String body = tries.get(i).body().apply(valid(project));

            Response response = post("/recordOutcomes", body);

            String context = "seed " + seed + ", " + tries.get(i).description() + ": " + abbreviated(body);
            statuses.merge(response.statusCode(), 1, Integer::sum);
            long recorded = 0;
            if (check(response, context)) {
                JsonPath answer = response.jsonPath();
                recorded = answer.getLong("recorded");
                assertThat(answer.getList("results")).as(context)
                        .hasSize(JsonPath.from(body).getList("outcomes").size());
                assertThat(recorded + answer.getLong("duplicates")).as(context)
                        .isEqualTo(answer.getList("results").size());
            }
            expected.put(project, recorded);
            contexts.put(project, context);
        }
        assertWritten(expected, contexts);
        assertThat(statuses).as("seed %d: statuses answered", seed).containsKeys(200, 400, 422);
    }

    /** Asserts an expected status and, for a refusal, a problem body; true when the request was accepted. */
    private static boolean check(Response response, String context) {
        assertThat(response.statusCode()).as("status for %s: %s", context, response.asString()).isIn(EXPECTED);
        if (response.statusCode() == 200) {
            return true;
        }
        problem(response.then(), response.statusCode());
        return false;
    }

    /** One project per try, so that what each request wrote can be told apart; created in one statement. */
    private List<UUID> createProjects(int count) {
        List<UUID> ids = Stream.generate(UUID::randomUUID).limit(count).toList();
        db.execute("insert into projects (id, owner, name) select id, gen_random_uuid(), 'properties'"
                + " from unnest(?::uuid[]) as p(id)", array(ids));
        return ids;
    }

    /**
     * Asserts that each project has exactly the expected runs in the ledger, in the counters (every status and test
     * runs) and in the rollups: none for a refused request, each accepted run once.
     */
    private void assertWritten(Map<UUID, Long> expected, Map<UUID, String> contexts) {
        List<Map<String, Object>> rows = db.query("select p.id,"
                + " (select count(*) from workflow_run_outcome_keys k where k.project_id = p.id) as ledger,"
                + " (select coalesce(sum(success_count + failure_count + canceled_count + test_run_count), 0)"
                + "    from workflow_run_metrics m where m.project_id = p.id) as counters,"
                + " (select coalesce(sum(succeeded + failed + timed_out + canceled), 0)"
                + "    from workflow_run_rollups r where r.project_id = p.id) as rollups"
                + " from unnest(?::uuid[]) as p(id)", array(new ArrayList<>(expected.keySet())));
        for (Map<String, Object> row : rows) {
            UUID project = (UUID) row.get("id");
            long runs = expected.get(project);
            assertThat(List.of(((Number) row.get("ledger")).longValue(), ((Number) row.get("counters")).longValue(),
                    ((Number) row.get("rollups")).longValue())).as("ledger, counters, rollups after %s",
                            contexts.get(project))
                    .containsExactly(runs, runs, runs);
        }
        assertThat(rows).hasSize(expected.size());
    }

    private static String array(List<UUID> ids) {
        return ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
    }

    private static Response post(String path, String body) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.service())
                .contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8)).when().post(path);
    }

    /** A valid outcome of the project: any status, trigger and attempt, finished within the last 20 days. */
    private static Map<String, Object> valid(UUID project) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        Instant finished = Instant.now().minusSeconds(random.nextLong(60, 20 * 86_400L));
        String status = STATUSES.get(random.nextInt(STATUSES.size()));
        Map<String, Object> outcome = Outcomes.outcome(project, UUID.randomUUID(), "flow-" + random.nextInt(1000),
                status, finished);
        outcome.put("startedAt", finished.minusMillis(random.nextLong(0, 3_600_000)).toString());
        outcome.put("trigger", TRIGGERS.get(random.nextInt(TRIGGERS.size())));
        outcome.put("attempt", random.nextInt(1, 4));
        if (status.equals("failed") || status.equals("timed_out")) {
            outcome.put("error", new LinkedHashMap<>(Map.of("code", "E" + random.nextInt(10), "message", "no")));
        }
        return outcome;
    }

    private static Arbitrary<Mutation> outcomeMutations() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(new Mutation("unchanged", Fuzz::json))),
                Tuple.of(8, fieldChanges().map(c -> new Mutation(c.description(), o -> Fuzz.json(c.apply(o))))),
                Tuple.of(3, fieldChanges().list().ofMinSize(2).ofMaxSize(4).map(cs -> new Mutation(
                        cs.stream().map(FieldChange::description).toList().toString(), o -> {
                            Map<String, Object> body = o;
                            for (FieldChange c : cs) {
                                body = c.apply(body);
                            }
                            return Fuzz.json(body);
                        }))),
                Tuple.of(3, textChanges()),
                Tuple.of(1, Fuzz.jsonValues(2).map(v -> new Mutation("the body is another JSON value",
                        o -> Fuzz.json(v)))));
    }

    private static Arbitrary<Mutation> batchMutations() {
        Arbitrary<FieldChange> item = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(new FieldChange("unchanged", Function.identity()))),
                Tuple.of(1, Arbitraries.just(new FieldChange("a repeat of item 0", null))),
                Tuple.of(2, fieldChanges()));
        Arbitrary<Mutation> items = item.list().ofMaxSize(12).map(changes -> new Mutation(
                "items " + changes.stream().map(FieldChange::description).toList(), o -> {
                    List<Object> outcomes = new ArrayList<>();
                    for (FieldChange c : changes) {
                        if (c.change() == null) {
                            outcomes.add(outcomes.isEmpty() ? fresh(o) : outcomes.get(0));
                        } else {
                            outcomes.add(c.apply(fresh(o)));
                        }
                    }
                    return Fuzz.json(Map.of("outcomes", outcomes));
                }));
        return Arbitraries.frequencyOf(
                Tuple.of(6, items),
                Tuple.of(1, Fuzz.jsonValues(2).map(v -> new Mutation("outcomes is " + abbreviated(String.valueOf(v)),
                        o -> Fuzz.json(Map.of("outcomes", v == null ? List.of() : v))))),
                Tuple.of(1, Fuzz.jsonValues(2).map(v -> new Mutation("the body is another JSON value",
                        o -> Fuzz.json(v)))),
                Tuple.of(1, textChanges().map(m -> new Mutation("batch text: " + m.description(),
                        o -> m.body().apply(Map.of("outcomes", List.of(o)))))));
    }

    /** Another valid outcome of the same project: a new run id. */
    private static Map<String, Object> fresh(Map<String, Object> template) {
        Map<String, Object> copy = Fuzz.copy(template);
        copy.put("runId", UUID.randomUUID().toString());
        return copy;
    }

    /** One change to one field of a valid outcome. */
    record FieldChange(String description, Function<Map<String, Object>, Map<String, Object>> change) {
        Map<String, Object> apply(Map<String, Object> outcome) {
            return change.apply(Fuzz.copy(outcome));
        }
    }

    private static Arbitrary<FieldChange> fieldChanges() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(FIELDS), Fuzz.jsonValues(2)).as((field, value) -> new FieldChange(
                        field + " = " + abbreviated(String.valueOf(value)), o -> put(o, field, value))),
                Arbitraries.of(FIELDS).map(field -> new FieldChange("no " + field, o -> {
                    o.remove(field);
                    return o;
                })),
                Combinators.combine(Arbitraries.of("startedAt", "finishedAt"), dates())
                        .as((field, date) -> new FieldChange(field + " = " + date, o -> put(o, field, date))),
                Combinators.combine(Arbitraries.of("workflowVersion", "attempt"), Fuzz.numbers())
                        .as((field, n) -> new FieldChange(field + " = " + n, o -> put(o, field, n))),
                Combinators.combine(Arbitraries.of("code", "message", "step"), Fuzz.jsonValues(1),
                        Arbitraries.of("failed", "timed_out", "succeeded"))
                        .as((field, value, status) -> new FieldChange(
                                "error." + field + " = " + abbreviated(String.valueOf(value)) + " on "
                                        + status,
                                o -> {
                                    Map<String, Object> error = new LinkedHashMap<>();
                                    error.put(field, value);
                                    o.put("status", status);
                                    return put(o, "error", error);
                                })),
                Combinators.combine(Arbitraries.of("workflowSlug", "runId", "retryOf", "trigger", "status"),
                        Fuzz.strings()).as(
                                (field, text) -> new FieldChange(field + " = " + abbreviated(text),
                                        o -> put(o, field, text))));
    }

    /** Dates: invalid ones, ones without an offset, far ones, and valid ones in odd offsets. */
    private static Arbitrary<String> dates() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return Arbitraries.oneOf(
                Arbitraries.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T25:00:00Z",
                        "2026-11-29T10:00:00", "2026-11-29", "+999999999-12-31T23:59:59Z",
                        "-999999999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-29T10:00:00+25:00",
                        "2026-11-29T10:00:00.123456789123Z", "1970-01-01T00:00:00Z", "now", "1732874400",
                        "2026-11-29T10:00:00\u0000Z", "２０２６-11-29T10:00:00Z"),
                Combinators.combine(Arbitraries.longs().between(-450 * 86_400L, 3_600),
                        Arbitraries.integers().between(-18 * 4, 18 * 4))
                        .as((seconds, quarters) -> now.plusSeconds(seconds)
                                .atOffset(ZoneOffset.ofTotalSeconds(quarters * 900))
                                .toString()),
                Arbitraries.longs().between(0, Duration.ofDays(30).toMillis())
                        .map(ms -> now.minusMillis(ms).toString()));
    }

    /** The valid body's JSON text cut, or with a character inserted, removed or replaced. */
    private static Arbitrary<Mutation> textChanges() {
        return Combinators.combine(Arbitraries.of("cut", "insert", "delete", "replace"),
                Arbitraries.doubles().between(0, 1), Arbitraries.chars().all()).as(
                        (how, where, c) -> new Mutation(
                                how + " at " + Math.round(where * 100) + "% with U+" + Integer.toHexString(c), o -> {
                                    String text = Fuzz.json(o);
                                    int at = (int) Math.min(text.length() - 1, Math.floor(where * text.length()));
                                    return switch (how) {
                                        case "cut" -> text.substring(0, at);
                                        case "insert" -> text.substring(0, at) + c + text.substring(at);
                                        case "delete" -> text.substring(0, at) + text.substring(at + 1);
                                        default -> text.substring(0, at) + c + text.substring(at + 1);
                                    };
                                }));
    }

    private static Map<String, Object> put(Map<String, Object> body, String field, Object value) {
        body.put(field, value);
        return body;
    }

    private static String abbreviated(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…(" + text.length() + " chars)";
    }
}
