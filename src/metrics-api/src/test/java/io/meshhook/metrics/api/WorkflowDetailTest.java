package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.BERLIN;
import static io.meshhook.metrics.api.MetricsApi.FROM;
import static io.meshhook.metrics.api.MetricsApi.PREVIOUS_FROM;
import static io.meshhook.metrics.api.MetricsApi.TO;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW_FUNQY;
import static io.meshhook.metrics.api.MetricsApi.assertCounts;
import static io.meshhook.metrics.api.MetricsApi.at;
import static io.meshhook.metrics.api.MetricsApi.before;
import static io.meshhook.metrics.api.MetricsApi.instant;
import static io.meshhook.metrics.api.MetricsApi.percentile;
import static io.meshhook.metrics.api.MetricsApi.text;
import static io.meshhook.metrics.api.MetricsApi.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.api.MetricsApi.Counts;
import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.api.RecordedRuns.Run;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * GET /api/metrics/workflow/{id} (and the funqy form ?id=): one workflow named by any version's id, all versions
 * or one, with its versions, top errors, recent failures, last run and a series that adds up to the counts.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class WorkflowDetailTest {

    @Inject
    OutcomeRecorder recorder;

    /** Two versions of checkout with failures of three codes, a canceled run, an older failure and a test run. */
    private record Checkout(Tenant tenant, Flow v1, Flow v2, List<Run> runs) {

        List<Run> of(Flow version) {
            return runs.stream().filter(r -> r.flow().equals(version)).toList();
        }
    }

    private Checkout checkout() {
        Tenant tenant = Tenant.create();
        Flow v1 = tenant.flow("checkout");
        Flow v2 = v1.nextVersion();
        List<Run> runs = List.of(
                v1.run("succeeded", at(0, 1)), v1.run("failed", at(0, 2)).error("HTTP_502", "card declined 1"),
                v1.run("succeeded", at(1, 1)), v1.run("failed", at(2, 2)).error("HTTP_502", "card declined 2"),
                v1.run("failed", before(2)).error("HTTP_502", "last week"),
                v2.run("succeeded", at(3, 1)), v2.run("succeeded", at(3, 2)), v2.run("succeeded", at(4, 1)),
                v2.run("failed", at(4, 3)).error("DB_LOCK", "lock wait timeout"), v2.run("timed_out", at(5, 1)),
                v2.run("failed", at(5, 4)).error("HTTP_502", "gateway down"), v2.run("canceled", at(6, 1)),
                v2.run("succeeded", at(6, 3)),
                v2.run("failed", at(6, 8)).error("TEST_ONLY", "a test run").trigger("test"));
        new RecordedRuns(recorder).add(runs).record();
        return new Checkout(tenant, v1, v2, runs);
    }

    @Test
    void shouldAnswerTheSameWorkflowForAnyVersionsIdInBothForms() {
        Checkout c = checkout();
        Object[] params = {"from", FROM, "to", TO, "tz", BERLIN.getId(), "granularity", "day"};

        JsonNode byV1 = c.tenant().ok(WORKFLOW + c.v1().id(), params);

        assertThat(c.tenant().ok(WORKFLOW + c.v2().id(), params)).isEqualTo(byV1);
        assertThat(c.tenant().ok(WORKFLOW_FUNQY, withId(c.v1(), params))).isEqualTo(byV1);
        assertThat(c.tenant().ok(WORKFLOW_FUNQY, withId(c.v2(), params))).isEqualTo(byV1);
        assertThat(byV1.get("workflowSlug").asText()).isEqualTo("checkout");
        assertThat(byV1.get("projectId").asText()).isEqualTo(c.tenant().project().toString());
        assertThat(text(byV1.get("version"))).isNull();
        assertThat(byV1.at("/range/timeZone").asText()).isEqualTo(BERLIN.getId());
        assertThat(byV1.at("/range/granularity").asText()).isEqualTo("day");
        assertThat(time(byV1.at("/range/from"))).isEqualTo(FROM.atZone(BERLIN).toOffsetDateTime());
    }

    @Test
    void shouldCountAllVersionsWithTheirBreakdownLastRunAndASeriesThatAddsUp() {
        Checkout c = checkout();

        JsonNode detail = c.tenant().ok(WORKFLOW + c.v1().id(), "from", FROM, "to", TO, "tz", BERLIN.getId());

        assertCounts(detail.get("counts"), Counts.in(c.runs(), FROM, TO));
        assertCounts(detail.get("previous"), Counts.in(c.runs(), PREVIOUS_FROM, FROM));
        assertThat(Counts.ofSeries(detail.get("series"))).isEqualTo(Counts.in(c.runs(), FROM, TO));
        JsonNode versions = detail.get("versions");
        assertThat(versions).extracting(v -> v.get("version").asInt()).containsExactly(2, 1);
        for (JsonNode v : versions) {
            Flow flow = v.get("version").asInt() == 1 ? c.v1() : c.v2();
            assertThat(v.get("workflowId").asText()).isEqualTo(flow.id().toString());
            assertCounts(v.get("counts"), Counts.in(c.of(flow), FROM, TO));
            Run last = lastRun(c.of(flow));
            assertThat(instant(v.get("lastRunAt"))).isEqualTo(last.finishedAt());
            assertThat(v.get("lastRunStatus").asText()).isEqualTo(last.status());
        }
        List<Long> durations = c.runs().stream().filter(r -> r.counted() && r.within(FROM, TO))
                .map(r -> r.took().toMillis()).toList();
        JsonNode duration = detail.get("duration");
        assertThat(duration.get("p50Ms").asDouble()).isCloseTo(percentile(durations, 0.5), withinPercentage(10));
        assertThat(duration.get("p99Ms").asDouble()).isCloseTo(percentile(durations, 0.99), withinPercentage(10));
        assertThat(duration.get("maxMs").asLong()).isEqualTo(Collections.max(durations));
        Run last = lastRun(c.runs());
        assertThat(instant(detail.get("lastRunAt"))).as("the test run is not the last run")
                .isEqualTo(last.finishedAt()).isEqualTo(at(6, 3));
        assertThat(detail.get("lastRunStatus").asText()).isEqualTo(last.status());
    }

    @Test
    void shouldListTopErrorsByCountWithTheLatestMessageAndRecentFailuresNewestFirst() {
        Checkout c = checkout();
        List<Run> failures = c.runs().stream().filter(r -> r.failure() && r.counted() && r.within(FROM, TO))
                .sorted(Comparator.comparing(Run::finishedAt).reversed()).toList();
        Map<String, List<Run>> byCode = failures.stream()
                .collect(Collectors.groupingBy(Run::errorCode));
        List<String> expectedCodes = byCode.keySet().stream()
                .sorted(Comparator.<String>comparingInt(code -> byCode.get(code).size()).reversed()
                        .thenComparing(code -> byCode.get(code).get(0).finishedAt(), Comparator.reverseOrder()))
                .toList();

        JsonNode detail = c.tenant().ok(WORKFLOW + c.v2().id(), "from", FROM, "to", TO);

        JsonNode topErrors = detail.get("topErrors");
        assertThat(topErrors).extracting(e -> e.get("code").asText()).containsExactlyElementsOf(expectedCodes)
                .containsExactly("HTTP_502", "TIMEOUT", "DB_LOCK");
        for (JsonNode e : topErrors) {
            List<Run> ofCode = byCode.get(e.get("code").asText());
            assertThat(e.get("count").asLong()).isEqualTo(ofCode.size());
            assertThat(e.get("sampleMessage").asText()).isEqualTo(ofCode.get(0).errorMessage());
            assertThat(instant(e.get("lastSeenAt"))).isEqualTo(ofCode.get(0).finishedAt());
        }
        JsonNode recent = detail.get("recentFailures");
        assertThat(recent).hasSize(failures.size());
        for (int i = 0; i < failures.size(); i++) {
            Run run = failures.get(i);
            JsonNode f = recent.get(i);
            assertThat(f.get("runId").asText()).isEqualTo(run.runId().toString());
            assertThat(f.get("version").asInt()).isEqualTo(run.flow().version());
            assertThat(f.get("status").asText()).isEqualTo(run.status());
            assertThat(instant(f.get("finishedAt"))).isEqualTo(run.finishedAt());
            assertThat(f.get("durationMs").asLong()).isEqualTo(run.took().toMillis());
            assertThat(f.get("errorCode").asText()).isEqualTo(run.errorCode());
            assertThat(f.get("errorMessage").asText()).isEqualTo(run.errorMessage());
        }
    }

    @Test
    void shouldNarrowEverythingToOneVersionWhenAsked() {
        Checkout c = checkout();

        JsonNode detail = c.tenant().ok(WORKFLOW + c.v2().id(), "from", FROM, "to", TO, "version", 1,
                "granularity", "hour");

        assertThat(detail.get("version").asInt()).isEqualTo(1);
        Counts v1 = Counts.in(c.of(c.v1()), FROM, TO);
        assertCounts(detail.get("counts"), v1);
        assertCounts(detail.get("previous"), Counts.in(c.of(c.v1()), PREVIOUS_FROM, FROM));
        assertThat(Counts.ofSeries(detail.get("series"))).isEqualTo(v1);
        assertThat(detail.get("series")).hasSize(7 * 24);
        assertThat(detail.get("versions")).extracting(v -> v.get("workflowId").asText())
                .containsExactly(c.v1().id().toString());
        assertThat(detail.get("recentFailures")).extracting(f -> f.get("version").asInt()).containsOnly(1)
                .hasSize(2);
        assertThat(instant(detail.get("lastRunAt"))).isEqualTo(lastRun(c.of(c.v1())).finishedAt());
        assertThat(detail.get("lastRunStatus").asText()).isEqualTo("failed");
    }

    @Test
    void shouldCountOnlyTestRunsWhenTheTriggerFilterAsksForThem() {
        Checkout c = checkout();

        JsonNode detail = c.tenant().ok(WORKFLOW + c.v1().id(), "from", FROM, "to", TO, "trigger", "test");

        assertCounts(detail.get("counts"), new Counts(0, 1, 0, 0));
        assertThat(detail.get("recentFailures")).extracting(f -> f.get("errorCode").asText())
                .containsExactly("TEST_ONLY");
    }

    private static Object[] withId(Flow flow, Object[] params) {
        Object[] all = new Object[params.length + 2];
        all[0] = "id";
        all[1] = flow.id();
        System.arraycopy(params, 0, all, 2, params.length);
        return all;
    }

    private static Run lastRun(List<Run> runs) {
        return runs.stream().filter(Run::counted).max(Comparator.comparing(Run::finishedAt)).orElseThrow();
    }
}
