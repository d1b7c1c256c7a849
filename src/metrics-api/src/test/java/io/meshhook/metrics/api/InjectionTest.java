package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.FROM;
import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.TO;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW_FUNQY;
import static io.meshhook.metrics.api.MetricsApi.at;
import static io.meshhook.metrics.api.MetricsApi.errorFields;
import static io.meshhook.metrics.api.MetricsApi.problem;
import static io.meshhook.metrics.api.MetricsApi.slugs;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * SQL injection in every parameter, sort key, filter, cursor and path id of metrics-api and the alert listings:
 * each is a 400 (or 404 for a path id) problem naming the parameter, or, for the free-text search, a 200 that
 * matched the text literally; nothing of another tenant is ever answered, and every table is intact afterwards.
 * Complements QueryValidationAndIsolationTest, which covers bad values and tampered cursors one by one.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(UnlimitedRequests.class)
class InjectionTest {

    static final List<String> INJECTIONS = List.of("' or 1=1--", "' OR '1'='1", "1' or '1'='1' --",
            "'; drop table projects; --", "; drop table workflow_run_rollups", "1; delete from alert_rules",
            "x' union select id, owner from projects --", "%00", "\u0000", "' or 1=1\u0000", "’ or 1=1 --",
            "ʼ or ʼ1ʼ=ʼ1", "＇ or 1=1 --", "\\'; select pg_sleep(5); --", "$$; drop table projects; $$",
            "failureRate; drop table projects", "slug desc, (select 1)", "1 or 1=1", "%", "_", "*",
            "00000000-0000-4000-8000-000000000001' or '1'='1");
    private static final List<String> SUMMARY_PARAMS = List.of("range", "from", "to", "tz", "granularity",
            "trigger", "version", "project", "workflow", "status", "minRuns", "sort", "order", "limit", "cursor");
    private static final List<String> DETAIL_PARAMS = List.of("range", "from", "to", "tz", "granularity",
            "trigger", "version");
    private static final Map<String, List<String>> ALERT_PARAMS = Map.of("/api/alerts/events", List.of("project",
            "rule", "limit", "before"), "/api/alerts/states", List.of("project", "rule"), "/api/alerts/rules",
            List.of("project"));
    private static final List<String> TABLES = List.of("projects", "workflow_run_outcome_keys",
            "workflow_run_outcomes", "workflow_run_metrics", "workflow_run_rollups", "workflow_run_error_rollups",
            "alert_rules", "alert_states", "alert_events");

    @Inject
    OutcomeRecorder recorder;

    @Test
    void shouldRefuseInjectionInEveryParameterAndLeaveEveryTableIntact() {
        Tenant caller = Tenant.create();
        Tenant other = Tenant.create();
        Flow mine = caller.flow("orders");
        Flow theirs = other.flow("their-secret-ledger");
        new RecordedRuns(recorder).add(mine.run("failed", at(1, 1)), theirs.run("failed", at(1, 1))).record();
        List<String> secrets = List.of(other.project().toString(), theirs.id().toString(), "their-secret-ledger");
        Map<String, Long> before = rowCounts();

        for (String injection : INJECTIONS) {
            for (String param : SUMMARY_PARAMS) {
                assertRefused(caller.get(SUMMARY, param, injection), param, injection, secrets);
            }
            for (String param : DETAIL_PARAMS) {
                assertRefused(caller.get(WORKFLOW + mine.id(), param, injection), param, injection, secrets);
                assertRefused(caller.get(WORKFLOW_FUNQY, "id", mine.id(), param, injection), param, injection,
                        secrets);
            }
            ALERT_PARAMS.forEach((path, params) -> params.forEach(param -> assertRefused(caller.get(path, param,
                    injection), param, injection, secrets)));
            // a workflow id that is not one is the same 404 as one of another tenant (nothing to tell apart)
            String encoded = URLEncoder.encode(injection, StandardCharsets.UTF_8).replace("+", "%20");
            for (Response response : List.of(caller.get(WORKFLOW_FUNQY, "id", injection), caller.get(WORKFLOW
                    + encoded), caller.get("/api/alerts/rules/" + encoded))) {
                assertThat(response.statusCode()).as("%s: %s", injection, response.asString()).isIn(400, 404);
                problem(response, response.statusCode());
                assertThat(response.asString()).doesNotContain(secrets);
            }
        }

        assertThat(rowCounts()).as("rows per table after every injection").isEqualTo(before);
        assertThat(slugs(caller.ok(SUMMARY, "from", FROM, "to", TO))).containsExactly("orders");
    }

    @Test
    void shouldMatchTheSearchTextLiterallyWhateverItContains() {
        Tenant caller = Tenant.create();
        Tenant other = Tenant.create();
        new RecordedRuns(recorder).add(caller.flow("orders").run("failed", at(1, 1)),
                caller.flow("100%_done").run("succeeded", at(1, 2)),
                other.flow("their-secret-ledger").run("failed", at(1, 1))).record();
        Map<String, Long> before = rowCounts();

        for (String injection : INJECTIONS) {
            Response response = caller.get(SUMMARY, "from", FROM, "to", TO, "q", injection);
            if (injection.indexOf('\u0000') >= 0) {
                // PostgreSQL text cannot hold NUL: refused as a parameter, never passed to SQL
                assertThat(errorFields(problem(response, 400))).as(injection).containsExactly("q");
                continue;
            }
            assertThat(response.statusCode()).as("%s: %s", injection, response.asString()).isEqualTo(200);
            List<String> expected = List.of("100%_done", "orders").stream()
                    .filter(slug -> slug.toLowerCase().contains(injection.toLowerCase())).toList();
            assertThat(slugs(MetricsApi.json(response.asString()))).as(injection)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(response.asString()).doesNotContain("their-secret-ledger");
        }
        assertThat(rowCounts()).isEqualTo(before);
    }

    private static void assertRefused(Response response, String param, String injection, List<String> secrets) {
        assertThat(response.asString()).doesNotContain(secrets);
        if (injection.trim().isEmpty() && response.statusCode() == 200) {
            return; // a lone NUL is blank to String.trim(), like an empty value: the parameter's default
        }
        assertThat(response.statusCode()).as("%s=%s answered %s", param, injection, response.asString())
                .isEqualTo(400);
        assertThat(errorFields(problem(response, 400))).as("%s=%s", param, injection).contains(param);
        assertThat(response.asString()).doesNotContain(secrets);
    }

    private static Map<String, Long> rowCounts() {
        TestDatabase db = DatabaseResource.database();
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String table : TABLES) {
            counts.put(table, db.scalar("select count(*) from " + table));
        }
        return counts;
    }
}
