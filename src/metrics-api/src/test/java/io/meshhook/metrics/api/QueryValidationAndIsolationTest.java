package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.FROM;
import static io.meshhook.metrics.api.MetricsApi.SORT_KEYS;
import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.TO;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW_FUNQY;
import static io.meshhook.metrics.api.MetricsApi.assertCounts;
import static io.meshhook.metrics.api.MetricsApi.at;
import static io.meshhook.metrics.api.MetricsApi.errorFields;
import static io.meshhook.metrics.api.MetricsApi.problem;
import static io.meshhook.metrics.api.MetricsApi.request;
import static io.meshhook.metrics.api.MetricsApi.slugs;
import static io.meshhook.metrics.api.MetricsApi.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.api.MetricsApi.Counts;
import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.api.RecordedRuns.Run;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Bad parameters are a 400 problem naming the field (never SQL); callers need a user token; and user A learns
 * nothing about user B through any endpoint, filter, sort or cursor.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class QueryValidationAndIsolationTest {

    @Inject
    OutcomeRecorder recorder;

    @Test
    void shouldRefuseEachBadParameterWithA400ProblemNamingIt() {
        Tenant tenant = Tenant.create();
        Instant now = Instant.now();
        assertBad(tenant, "tz", "tz", "Mars/Olympus");
        assertBad(tenant, "tz", "tz", "Europe/Berlin'; drop table projects; --");
        assertBad(tenant, "from", "from", TO, "to", FROM);
        assertBad(tenant, "from", "from", FROM, "to", FROM);
        assertBad(tenant, "to", "from", now.minus(Duration.ofDays(401)), "to", now);
        assertBad(tenant, "from", "from", "yesterday", "to", now);
        assertBad(tenant, "range", "range", "2d");
        assertBad(tenant, "range", "range", "7d", "from", FROM, "to", TO);
        assertBad(tenant, "granularity", "granularity", "minute");
        assertBad(tenant, "granularity", "range", "90d", "granularity", "15m");
        assertBad(tenant, "limit", "limit", 0);
        assertBad(tenant, "limit", "limit", 10_000);
        assertBad(tenant, "limit", "limit", 501);
        assertBad(tenant, "limit", "limit", "ten");
        assertBad(tenant, "sort", "sort", "name");
        assertBad(tenant, "sort", "sort", "failure_rate desc; select 1");
        assertBad(tenant, "order", "order", "up");
        assertBad(tenant, "select", "select", "*");
        assertBad(tenant, "workflowSlug", "workflowSlug", "order-sync");
        assertBad(tenant, "project", "project", "not-a-uuid");
        assertBad(tenant, "workflow", "workflow", UUID.randomUUID() + ",12345");
        assertBad(tenant, "status", "status", "crashed");
        assertBad(tenant, "trigger", "trigger", "cron");
        assertBad(tenant, "minRuns", "minRuns", -1);
        assertBad(tenant, "version", "version", 0);
        assertBad(tenant, "q", "q", "x".repeat(201));
        assertBad(tenant, "sort", "sort", "runs", "sort", "slug");

        JsonNode several = problem(tenant.get(SUMMARY, "tz", "Nowhere/Special", "limit", 0, "sort", "x", "y", 1),
                400);
        assertThat(errorFields(several)).containsExactlyInAnyOrder("tz", "limit", "sort", "y");
    }

    @Test
    void shouldRefuseBadParametersOfTheDetailInBothForms() {
        Tenant tenant = Tenant.create();
        UUID id = UUID.randomUUID();
        for (String[] bad : List.of(new String[]{"tz", "Mars/Olympus"}, new String[]{"sort", "runs"},
                new String[]{"limit", "5"}, new String[]{"granularity", "year"})) {
            assertThat(errorFields(problem(tenant.get(WORKFLOW + id, bad[0], bad[1]), 400))).containsExactly(bad[0]);
            assertThat(errorFields(problem(tenant.get(WORKFLOW_FUNQY, "id", id, bad[0], bad[1]), 400)))
                    .containsExactly(bad[0]);
        }
    }

    @Test
    void shouldRefuseATamperedCursorAndOneReusedWithOtherFilters() {
        Tenant tenant = Tenant.create();
        new RecordedRuns(recorder).add(tenant.flow("one").run("succeeded", at(1, 1)),
                tenant.flow("two").run("failed", at(1, 1)), tenant.flow("three").run("failed", at(1, 1))).record();
        Object[] listing = {"from", FROM, "to", TO, "sort", "slug", "limit", 1};
        String cursor = text(tenant.ok(SUMMARY, listing).get("nextCursor"));
        assertThat(cursor).isNotNull();
        assertThat(slugs(tenant.ok(SUMMARY, with(listing, "cursor", cursor)))).containsExactly("three");

        String signature = cursor.substring(cursor.indexOf('.') + 1);
        String flipped = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        for (String tampered : List.of("2." + signature, "1." + flipped, "1", "1.", cursor + "x", "-1." + signature,
                "' or 1=1 --", "999999999999." + signature)) {
            assertThat(errorFields(problem(tenant.get(SUMMARY, with(listing, "cursor", tampered)), 400)))
                    .as(tampered).containsExactly("cursor");
        }
        for (Object[] other : List.<Object[]>of(new Object[]{"sort", "runs"}, new Object[]{"order", "desc"},
                new Object[]{"q", "t"}, new Object[]{"tz", "Asia/Kathmandu"},
                new Object[]{"status", "failed"}, new Object[]{"trigger", "test"},
                new Object[]{"minRuns", 1}, new Object[]{"project", tenant.project()})) {
            List<Object> params = new ArrayList<>(List.of(listing));
            int at = params.indexOf(other[0]);
            if (at >= 0) {
                params.set(at + 1, other[1]);
            } else {
                params.addAll(List.of(other));
            }
            params.addAll(List.of("cursor", cursor));
            assertThat(errorFields(problem(tenant.get(SUMMARY, params.toArray()), 400))).as("%s", other[0])
                    .containsExactly("cursor");
        }
        Object[] laterTo = {"from", FROM, "to", TO.plus(Duration.ofDays(1)), "sort", "slug", "limit", 1, "cursor",
                cursor};
        assertThat(errorFields(problem(tenant.get(SUMMARY, laterTo), 400))).containsExactly("cursor");
    }

    @Test
    void shouldAskForAUserTokenOnEveryEndpoint() {
        UUID id = UUID.randomUUID();
        for (String path : List.of(SUMMARY, WORKFLOW + id, WORKFLOW_FUNQY + "?id=" + id)) {
            problem(request(null, path), 401);
            problem(request("not-a-jwt", path), 401);
            problem(request(TestTokens.sign(TestTokens.userClaims(UUID.randomUUID()), "another secret that is"
                    + " long enough to sign"), path), 401);
            problem(request(TestTokens.service(), path), 403);
        }
    }

    @Test
    void shouldTellUserANothingAboutUserBsWorkflowsThroughAnyEndpointFilterSortOrCursor() {
        Tenant a = Tenant.create();
        Tenant b = Tenant.create();
        Flow aOrders = a.flow("orders");
        Flow bOrders = b.flow("orders");
        Flow bSecret = b.flow("b-secret-ledger");
        List<Run> aRuns = List.of(aOrders.run("succeeded", at(1, 1)), aOrders.run("failed", at(2, 1)),
                a.flow("a-reports").run("canceled", at(3, 1)));
        new RecordedRuns(recorder).add(aRuns).add(bOrders.run("failed", at(1, 2)), bOrders.run("failed", at(2, 2)),
                bOrders.run("timed_out", at(2, 3)), bSecret.run("failed", at(1, 1)),
                bSecret.nextVersion().run("succeeded", at(4, 1))).record();
        List<String> secrets = List.of(b.project().toString(), bOrders.id().toString(), bSecret.id().toString(),
                "b-secret-ledger");

        Response random = a.get(WORKFLOW + UUID.randomUUID(), "from", FROM, "to", TO);
        Response theirs = a.get(WORKFLOW + bSecret.id(), "from", FROM, "to", TO);
        problem(random, 404);
        assertThat(theirs.asByteArray()).isEqualTo(random.asByteArray());
        assertThat(theirs.contentType()).isEqualTo(random.contentType());
        assertThat(a.get(WORKFLOW + bOrders.id(), "version", 1).asByteArray()).isEqualTo(random.asByteArray());
        assertThat(a.get(WORKFLOW_FUNQY, "id", bSecret.id()).asByteArray()).isEqualTo(random.asByteArray());
        assertThat(a.get(WORKFLOW_FUNQY, "id", UUID.randomUUID()).asByteArray()).isEqualTo(random.asByteArray());

        JsonNode theirProject = a.ok(SUMMARY, "from", FROM, "to", TO, "project", b.project());
        assertThat(theirProject.get("workflows")).isEmpty();
        assertThat(theirProject.at("/aggregate/workflows").asInt()).isZero();
        assertCounts(theirProject.at("/aggregate/counts"), Counts.NONE);
        assertThat(a.ok(SUMMARY, "from", FROM, "to", TO, "q", "secret").get("workflows")).isEmpty();
        assertThat(a.ok(SUMMARY, "from", FROM, "to", TO, "workflow", bSecret.id()).get("workflows")).isEmpty();

        List<Response> answers = new ArrayList<>(List.of(random, theirs));
        for (String key : SORT_KEYS) {
            for (String order : List.of("asc", "desc")) {
                Response listing = a.get(SUMMARY, "from", FROM, "to", TO, "sort", key, "order", order);
                answers.add(listing);
                assertThat(slugs(MetricsApi.json(listing.asString()))).containsExactlyInAnyOrder("a-reports",
                        "orders");
            }
        }
        for (String status : List.of("succeeded", "failed", "timed_out", "canceled")) {
            answers.add(a.get(SUMMARY, "from", FROM, "to", TO, "status", status));
        }
        JsonNode all = a.ok(SUMMARY, "from", FROM, "to", TO);
        assertCounts(all.at("/aggregate/counts"), Counts.in(aRuns, FROM, TO));
        assertCounts(MetricsApi.workflow(all, "orders").get("counts"), Counts.in(aRuns.subList(0, 2), FROM, TO));
        assertCounts(a.ok(WORKFLOW + aOrders.id(), "from", FROM, "to", TO).get("counts"),
                Counts.in(aRuns.subList(0, 2), FROM, TO));

        Object[] page = {"from", FROM, "to", TO, "sort", "slug", "limit", 1};
        String theirCursor = text(b.ok(SUMMARY, page).get("nextCursor"));
        Response withTheirCursor = a.get(SUMMARY, with(page, "cursor", theirCursor));
        answers.add(withTheirCursor);
        assertThat(slugs(MetricsApi.json(withTheirCursor.asString()))).containsExactly("orders");

        for (Response answer : answers) {
            assertThat(answer.asString()).doesNotContain(secrets);
        }
    }

    private static void assertBad(Tenant tenant, String field, Object... params) {
        JsonNode body = problem(tenant.get(SUMMARY, params), 400);
        assertThat(body.get("type").asText()).isEqualTo("/problems/invalid-query");
        assertThat(errorFields(body)).as("%s", List.of(params)).containsExactly(field);
        assertThat(body.toString()).doesNotContainIgnoringCase("sql").doesNotContain("Exception");
    }

    private static Object[] with(Object[] params, Object... more) {
        List<Object> all = new ArrayList<>(List.of(params));
        all.addAll(List.of(more));
        return all.toArray();
    }
}
