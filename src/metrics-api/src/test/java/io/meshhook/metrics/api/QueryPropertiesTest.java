package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.FROM;
import static io.meshhook.metrics.api.MetricsApi.SORT_KEYS;
import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.TO;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW_FUNQY;
import static io.meshhook.metrics.api.MetricsApi.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.Fuzz;
import io.quarkus.logging.Log;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Properties of every metrics-api read endpoint over HTTP, for jqwik-generated query strings: every allowed
 * parameter with valid, hostile and random values, unknown and repeated parameters, ids of the caller's and of
 * another tenant's workflows. Never a 500; 200, 400 or 404 only; every refusal a problem body; no answer names
 * anything of the other tenant. (Seeded samples in a Jupiter test: see Fuzz for why not {@code @Property}.)
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(UnlimitedRequests.class)
class QueryPropertiesTest {

    private static final Set<Integer> EXPECTED = Set.of(200, 400, 404);
    private static final List<String> SUMMARY_PARAMS = List.of("range", "from", "to", "tz", "granularity",
            "trigger", "version", "project", "workflow", "q", "status", "minRuns", "sort", "order", "limit",
            "cursor");
    private static final List<String> DETAIL_PARAMS = List.of("range", "from", "to", "tz", "granularity",
            "trigger", "version");

    @Inject
    OutcomeRecorder recorder;

    /** One request: the endpoint and its query parameters as name, value pairs. */
    record Query(String path, List<String> params) {
        Object[] pairs() {
            return params.toArray();
        }
    }

    @Test
    void shouldAnswerEveryGeneratedQueryWithAnExpectedStatusAndNothingOfAnotherTenant() {
        Tenant caller = Tenant.create();
        Tenant other = Tenant.create();
        Flow mine = caller.flow("orders");
        Flow theirs = other.flow("their-secret-ledger");
        new RecordedRuns(recorder).add(mine.run("succeeded", at(1, 1)), mine.run("failed", at(2, 3)),
                theirs.run("failed", at(1, 1)), theirs.run("succeeded", at(3, 2))).record();
        String cursor = MetricsApi.text(caller.ok(SUMMARY, "from", FROM, "to", TO, "limit", 1, "sort", "slug")
                .get("nextCursor"));
        List<String> ids = List.of(caller.project().toString(), mine.id().toString(), other.project().toString(),
                theirs.id().toString(), UUID.randomUUID().toString());
        List<String> secrets = List.of(other.project().toString(), theirs.id().toString(), "their-secret-ledger");
        long seed = Fuzz.seed();
        Map<Integer, Integer> statuses = new TreeMap<>();

        for (Query query : Fuzz.samples(queries(ids, cursor == null ? "1.x" : cursor), 300, seed)) {
            String context = "seed " + seed + ": " + query;
            Response response;
            try {
                response = caller.get(query.path(), query.pairs());
            } catch (IllegalArgumentException e) {
                throw new AssertionError(context + " could not be sent", e);
            }

            statuses.merge(response.statusCode(), 1, Integer::sum);
            assertThat(response.statusCode()).as("%s answered %s", context, response.asString()).isIn(EXPECTED);
            if (response.statusCode() != 200) {
                assertProblem(response, context);
            }
            assertThat(response.asString()).as(context).doesNotContain(secrets);
        }
        Log.infof("seed %d: statuses %s", seed, statuses);
        assertThat(statuses).as("seed %d: statuses answered", seed).containsKeys(200, 400);
    }

    static void assertProblem(Response response, String context) {
        assertThat(response.contentType()).as(context).startsWith("application/problem+json");
        JsonNode body = MetricsApi.json(response.asString());
        assertThat(body.get("status").asInt()).as(context).isEqualTo(response.statusCode());
        assertThat(body.get("type").asText()).as(context).startsWith("/problems/");
        assertThat(body.get("title").asText()).as(context).isNotBlank();
        // (a problem may quote a parameter name the caller sent, SQL-looking or not)
        assertThat(response.asString()).as(context).doesNotContain("Exception", "SQLSTATE", "at io.");
    }

    private static Arbitrary<Query> queries(List<String> ids, String cursor) {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.of(ids), shortStrings());
        Arbitrary<String> path = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(SUMMARY)),
                // RestAssured reads braces in a path as a template, and refuses a path that ends with '?' (a seed
                // found that one): '/', '?' and '#' go encoded, as a browser would send them inside a path segment
                Tuple.of(2, id.filter(i -> !i.contains("{") && !i.contains("}"))
                        .map(i -> WORKFLOW + i.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"))),
                Tuple.of(1, Arbitraries.just(WORKFLOW_FUNQY)),
                Tuple.of(1, Arbitraries.of("/api/alerts/events", "/api/alerts/states", "/api/alerts/rules")));
        return path.flatMap(p -> {
            List<String> names = new ArrayList<>(p.equals(SUMMARY) ? SUMMARY_PARAMS : DETAIL_PARAMS);
            if (p.equals(WORKFLOW_FUNQY)) {
                names.add("id");
            }
            if (p.startsWith("/api/alerts")) {
                names = List.of("project", "rule", "limit", "before");
            }
            Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(16, Arbitraries.of(names)),
                    Tuple.of(1, Arbitraries.of("select", "id", "workflowSlug", "order by", "limit ", "LIMIT")),
                    Tuple.of(1, shortStrings().filter(s -> !s.isEmpty())));
            Arbitrary<List<String>> pair = Combinators.combine(name, values(ids, cursor)).as(List::of);
            Arbitrary<Query> any = pair.list().ofMaxSize(5).map(pairs -> new Query(p,
                    pairs.stream().flatMap(List::stream).toList()));
            if (!p.equals(SUMMARY)) {
                return any;
            }
            // free text reaches SQL (as a bound parameter) only when the rest of the query is valid
            Arbitrary<Query> search = Combinators.combine(shortStrings(), Arbitraries.of(SORT_KEYS),
                    Arbitraries.of("asc", "desc")).as(
                            (q, sort, order) -> new Query(p, List.of("q", q, "sort", sort,
                                    "order", order, "from", FROM.toString(), "to", TO.toString())));
            return Arbitraries.frequencyOf(Tuple.of(3, any), Tuple.of(1, search));
        });
    }

    /** Values for any parameter: valid ones of every kind, so that validation passes often, and hostile ones. */
    private static Arbitrary<String> values(List<String> ids, String cursor) {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of("1h", "24h", "7d", "30d", "90d", "365d", "2d", "0d", "-7d")),
                Tuple.of(2, Arbitraries.of(FROM.toString(), TO.toString(), "2026-11-01", "2026-02-30",
                        "2026-11-29T10:00:00+05:45", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
                        "1970-01-01", "9999-12-31")),
                Tuple.of(2, Arbitraries.of("UTC", "Europe/Berlin", "Asia/Kathmandu", "Asia/Kolkata", "Etc/GMT+12",
                        "Mars/Olympus", "+05:30", "Z", "GMT0", "SystemV/AST4")),
                Tuple.of(2, Arbitraries.of("auto", "15m", "hour", "day", "week", "minute")),
                Tuple.of(2, Arbitraries.of("webhook", "schedule,manual", "test", "replay,test,webhook", "cron",
                        "succeeded", "failed,timed_out", "canceled", "crashed", ",", "")),
                Tuple.of(2, Arbitraries.of("failureRate", "successRate", "runs", "failures", "lastRun", "slug",
                        "asc", "desc", "up")),
                Tuple.of(2, Arbitraries.of(ids)),
                Tuple.of(1, Combinators.combine(Arbitraries.of(ids), Arbitraries.of(ids)).as((a, b) -> a + "," + b)),
                Tuple.of(2, Fuzz.numbers().map(String::valueOf)),
                Tuple.of(1, Arbitraries.of(cursor, cursor + "x", "0." + cursor.substring(cursor.indexOf('.') + 1),
                        "1.", ".", "99999999.AAAA")),
                Tuple.of(4, shortStrings()));
    }

    /** Hostile strings short enough for a request line (Vert.x refuses lines over 4,096 bytes before routing). */
    private static Arbitrary<String> shortStrings() {
        return Fuzz.strings().filter(s -> s.length() <= 300);
    }
}
