package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.FROM;
import static io.meshhook.metrics.api.MetricsApi.PREVIOUS_FROM;
import static io.meshhook.metrics.api.MetricsApi.SORT_KEYS;
import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.TO;
import static io.meshhook.metrics.api.MetricsApi.assertCounts;
import static io.meshhook.metrics.api.MetricsApi.assertRate;
import static io.meshhook.metrics.api.MetricsApi.at;
import static io.meshhook.metrics.api.MetricsApi.before;
import static io.meshhook.metrics.api.MetricsApi.instant;
import static io.meshhook.metrics.api.MetricsApi.percentile;
import static io.meshhook.metrics.api.MetricsApi.slugs;
import static io.meshhook.metrics.api.MetricsApi.text;
import static io.meshhook.metrics.api.MetricsApi.time;
import static io.meshhook.metrics.api.MetricsApi.workflow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

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
 * GET /api/metrics/workflows/summary over a known set of workflows: counts, rates, previous period and change per
 * workflow and in the aggregate; versions grouped by slug; every filter, sort key and order; cursor pagination;
 * duration percentiles; and a read right after a recording. Expected values are computed from the recorded runs.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class SummaryQueryTest {

    @Inject
    OutcomeRecorder recorder;

    /** Six workflows of one user in two projects; order-sync has two versions, runs of every status and trigger. */
    private record World(Tenant tenant, UUID otherProject, Flow orderV1, Flow orderV2, Flow invoice, List<Run> runs) {

        List<Run> of(String slug) {
            return runs.stream().filter(r -> r.flow().slug().equals(slug)).toList();
        }

        List<String> slugs() {
            return runs.stream().map(r -> r.flow().slug()).distinct().sorted().toList();
        }

        /** The figures the summary must show for a slug: counted runs in the current period. */
        Counts current(String slug) {
            return Counts.in(of(slug), FROM, TO);
        }

        /** The latest run that is not a test, whenever it was: the counters keep the last run. */
        Run lastRun(String slug) {
            return of(slug).stream().filter(Run::counted).max(Comparator.comparing(Run::finishedAt)).orElse(null);
        }
    }

    private World world() {
        Tenant tenant = Tenant.create();
        UUID otherProject = tenant.newProject();
        Flow orderV1 = tenant.flow("order-sync");
        Flow orderV2 = orderV1.nextVersion();
        Flow invoice = tenant.flow("invoice-push");
        Flow digest = tenant.flow("email-digest");
        Flow idle = tenant.flow("idle-flow");
        Flow sandbox = tenant.flow("sandbox-flow");
        Flow report = Flow.create(otherProject, "report-builder");
        List<Run> runs = new ArrayList<>(List.of(
                orderV1.run("succeeded", at(0, 1)), orderV1.run("succeeded", at(1, 1)),
                orderV1.run("succeeded", at(2, 1)), orderV1.run("failed", at(3, 1)),
                orderV2.run("succeeded", at(4, 1)), orderV2.run("succeeded", at(4, 2)),
                orderV2.run("succeeded", at(5, 1)), orderV2.run("succeeded", at(5, 2)),
                orderV2.run("timed_out", at(5, 3)), orderV2.run("canceled", at(6, 1)),
                orderV2.run("failed", at(6, 2)),
                orderV2.run("failed", at(6, 5)).trigger("test"), orderV2.run("succeeded", at(6, 6)).trigger("test"),
                orderV1.run("succeeded", before(1)), orderV1.run("succeeded", before(2)),
                orderV1.run("failed", before(3)), orderV1.run("failed", before(4)),
                orderV1.run("failed", PREVIOUS_FROM.minus(Duration.ofDays(6))),
                invoice.run("failed", before(5)),
                digest.run("canceled", at(2, 4)), digest.run("canceled", at(3, 4)),
                idle.run("succeeded", PREVIOUS_FROM.minus(Duration.ofDays(6))),
                sandbox.run("succeeded", at(1, 5)).trigger("test"), sandbox.run("failed", at(2, 5)).trigger("test"),
                report.run("succeeded", at(0, 7)), report.run("failed", at(1, 7)), report.run("failed", at(5, 7))));
        for (int day = 0; day < 5; day++) {
            runs.add(invoice.run("succeeded", at(day, 3)).trigger("schedule"));
        }
        new RecordedRuns(recorder).add(runs).record();
        return new World(tenant, otherProject, orderV1, orderV2, invoice, runs);
    }

    @Test
    void shouldCountRatesAndPreviousPeriodOfEveryWorkflowAndTheAggregateLikeTheRecordedRuns() {
        World world = world();

        JsonNode body = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "limit", 500);

        assertThat(slugs(body)).containsExactlyInAnyOrderElementsOf(world.slugs());
        for (String slug : world.slugs()) {
            JsonNode w = workflow(body, slug);
            Counts current = world.current(slug);
            Counts previous = Counts.in(world.of(slug), PREVIOUS_FROM, FROM);
            assertCounts(w.get("counts"), current);
            assertCounts(w.get("previous"), previous);
            assertChange(w.get("change"), current, previous);
            Run last = world.lastRun(slug);
            assertThat(instant(w.get("lastRunAt"))).as(slug).isEqualTo(last == null ? null : last.finishedAt());
            assertThat(text(w.get("lastRunStatus"))).as(slug)
                    .isEqualTo(last == null ? null : last.status());
        }
        JsonNode order = workflow(body, "order-sync");
        assertThat(order.get("workflowIds")).extracting(JsonNode::asText)
                .containsExactly(world.orderV1().id().toString(), world.orderV2().id().toString());
        assertThat(order.get("versions")).extracting(JsonNode::asInt).containsExactly(1, 2);
        assertThat(order.get("projectId").asText()).isEqualTo(world.tenant().project().toString());
        assertThat(workflow(body, "report-builder").get("projectId").asText())
                .isEqualTo(world.otherProject().toString());

        Counts all = Counts.in(world.runs(), FROM, TO);
        Counts allBefore = Counts.in(world.runs(), PREVIOUS_FROM, FROM);
        assertThat(body.at("/aggregate/workflows").asInt()).isEqualTo(6);
        assertCounts(body.at("/aggregate/counts"), all);
        assertCounts(body.at("/aggregate/previous"), allBefore);
        assertChange(body.at("/aggregate/change"), all, allBefore);
        assertThat(Counts.ofSeries(body.at("/aggregate/series"))).isEqualTo(all);
        assertThat(time(body.at("/range/from")).toInstant()).isEqualTo(FROM);
        assertThat(time(body.at("/range/to")).toInstant()).isEqualTo(TO);
        assertThat(time(body.at("/range/previousFrom")).toInstant()).isEqualTo(PREVIOUS_FROM);
        assertThat(body.at("/range/timeZone").asText()).isEqualTo("UTC");
        assertThat(body.at("/range/triggers")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("webhook", "schedule", "manual", "replay");
    }

    @Test
    void shouldGroupVersionsByWorkflowAndNarrowToOneVersionWhenAsked() {
        World world = world();

        JsonNode v2 = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "version", 2);
        JsonNode v1 = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "version", 1, "limit", 500);

        assertThat(slugs(v2)).containsExactly("order-sync");
        JsonNode order2 = workflow(v2, "order-sync");
        assertCounts(order2.get("counts"), Counts.in(runsOf(world, world.orderV2()), FROM, TO));
        assertThat(order2.get("workflowIds")).extracting(JsonNode::asText)
                .containsExactly(world.orderV2().id().toString());
        assertThat(order2.get("versions")).extracting(JsonNode::asInt).containsExactly(2);
        assertCounts(v2.at("/aggregate/counts"), Counts.in(runsOf(world, world.orderV2()), FROM, TO));

        assertThat(slugs(v1)).containsExactlyInAnyOrderElementsOf(world.slugs());
        JsonNode order1 = workflow(v1, "order-sync");
        assertCounts(order1.get("counts"), Counts.in(runsOf(world, world.orderV1()), FROM, TO));
        assertCounts(order1.get("previous"), Counts.in(runsOf(world, world.orderV1()), PREVIOUS_FROM, FROM));
        assertThat(order1.get("workflowIds")).extracting(JsonNode::asText)
                .containsExactly(world.orderV1().id().toString());
    }

    @Test
    void shouldLeaveTestRunsOutUnlessTheTriggerFilterAsksForThem() {
        World world = world();

        JsonNode tests = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "trigger", "test", "limit", 500);
        JsonNode scheduled = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "trigger", "schedule,manual",
                "limit", 500);

        assertThat(tests.at("/range/triggers")).extracting(JsonNode::asText).containsExactly("test");
        for (String slug : world.slugs()) {
            assertCounts(workflow(tests, slug).get("counts"), Counts.of(world.of(slug).stream()
                    .filter(r -> r.trigger().equals("test") && r.within(FROM, TO)).toList()));
            assertCounts(workflow(scheduled, slug).get("counts"), Counts.of(world.of(slug).stream()
                    .filter(r -> r.trigger().equals("schedule") && r.within(FROM, TO)).toList()));
        }
        assertThat(workflow(tests, "sandbox-flow").at("/counts/total").asLong()).isEqualTo(2);
        assertThat(workflow(scheduled, "invoice-push").at("/counts/total").asLong()).isEqualTo(5);
        assertCounts(tests.at("/aggregate/counts"), Counts.of(world.runs().stream()
                .filter(r -> r.trigger().equals("test") && r.within(FROM, TO)).toList()));
    }

    @Test
    void shouldKeepOnlyWorkflowsMatchingTheSlugProjectAndWorkflowFilters() {
        World world = world();
        Tenant tenant = world.tenant();

        assertThat(listed(tenant, "q", "SYNC")).containsExactly("order-sync");
        assertThat(listed(tenant, "q", "o")).containsExactlyElementsOf(matching(world, s -> s.contains("o")));
        assertThat(listed(tenant, "q", "-f")).containsExactly("idle-flow", "sandbox-flow");
        assertThat(listed(tenant, "q", "%")).as("q is text, not a pattern").isEmpty();
        assertThat(listed(tenant, "q", "_")).isEmpty();
        assertThat(listed(tenant, "project", world.otherProject())).containsExactly("report-builder");
        assertThat(listed(tenant, "project", tenant.project() + "," + world.otherProject()))
                .containsExactlyElementsOf(world.slugs());
        assertThat(listed(tenant, "workflow", world.orderV2().id())).containsExactly("order-sync");
        assertThat(listed(tenant, "workflow", world.orderV1().id(), "workflow", world.invoice().id()))
                .containsExactly("invoice-push", "order-sync");
        assertThat(listed(tenant, "q", "order", "project", world.otherProject())).isEmpty();

        JsonNode filtered = tenant.ok(SUMMARY, "from", FROM, "to", TO, "q", "push");
        assertThat(filtered.at("/aggregate/workflows").asInt()).isEqualTo(1);
        assertCounts(filtered.at("/aggregate/counts"), world.current("invoice-push"));
    }

    @Test
    void shouldKeepOnlyWorkflowsWithARunOfTheStatusOrEnoughRuns() {
        World world = world();
        Tenant tenant = world.tenant();

        for (String status : List.of("succeeded", "failed", "timed_out", "canceled")) {
            assertThat(listed(tenant, "status", status)).as(status).containsExactlyElementsOf(matching(world,
                    s -> world.of(s).stream().anyMatch(r -> r.counted() && r.within(FROM, TO)
                            && r.status().equals(status))));
        }
        assertThat(listed(tenant, "status", "timed_out,canceled")).containsExactly("email-digest", "order-sync");
        for (int minRuns : List.of(0, 1, 3, 4, 11, 12)) {
            assertThat(listed(tenant, "minRuns", minRuns)).as("minRuns %d", minRuns)
                    .containsExactlyElementsOf(matching(world, s -> world.current(s).total() >= minRuns));
        }
        assertThat(listed(tenant, "minRuns", 3)).containsExactly("invoice-push", "order-sync", "report-builder");
    }

    @Test
    void shouldSortByEveryKeyInBothOrdersWithMissingValuesLast() {
        World world = world();
        Map<String, Function<String, Comparable<?>>> values = Map.of(
                "failureRate", s -> world.current(s).failureRate(),
                "successRate", s -> world.current(s).successRate(),
                "runs", s -> world.current(s).total(),
                "failures", s -> world.current(s).failed() + world.current(s).timedOut(),
                "lastRun", s -> world.lastRun(s) == null ? null : world.lastRun(s).finishedAt(),
                "slug", s -> s);

        for (String key : SORT_KEYS) {
            for (String order : List.of("asc", "desc")) {
                List<String> expected = world.slugs().stream()
                        .sorted(nullsLast(values.get(key), order.equals("desc"))).toList();
                assertThat(listed(world.tenant(), "sort", key, "order", order)).as("%s %s", key, order)
                        .containsExactlyElementsOf(expected);
            }
        }
        List<String> byFailureRate = listed(world.tenant(), "sort", "failureRate", "order", "asc");
        assertThat(byFailureRate.subList(3, 6)).as("unrated last").containsExactly("email-digest", "idle-flow",
                "sandbox-flow");
        assertThat(listed(world.tenant(), "sort", "lastRun", "order", "asc")).endsWith("sandbox-flow");
    }

    @Test
    void shouldVisitEveryWorkflowExactlyOnceWhenFollowingTheCursor() {
        World world = world();

        for (String key : SORT_KEYS) {
            List<String> all = listed(world.tenant(), "sort", key);
            List<String> paged = new ArrayList<>();
            JsonNode page = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "sort", key, "limit", 4);
            int pages = 1;
            while (true) {
                assertThat(page.get("workflows").size()).isLessThanOrEqualTo(4);
                assertThat(page.at("/aggregate/workflows").asInt()).isEqualTo(6);
                paged.addAll(slugs(page));
                if (text(page.get("nextCursor")) == null) {
                    break;
                }
                page = world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "sort", key, "limit", 4, "cursor",
                        page.get("nextCursor").asText());
                pages++;
            }
            assertThat(paged).as(key).containsExactlyElementsOf(all).doesNotHaveDuplicates().hasSize(6);
            assertThat(pages).isEqualTo(2);
        }
        List<String> ones = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = cursor == null
                    ? world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "sort", "slug", "limit", 1)
                    : world.tenant().ok(SUMMARY, "from", FROM, "to", TO, "sort", "slug", "limit", 1, "cursor",
                            cursor);
            ones.addAll(slugs(page));
            cursor = text(page.get("nextCursor"));
        } while (cursor != null);
        assertThat(ones).containsExactlyElementsOf(world.slugs());
    }

    /**
     * 40 workflows: each half of the summary (one on each of two connections) holds 20, so the totals levels are
     * read once per project and range (RollupReader.perProject, the project indexes that carry the figures, V12);
     * filtered by trigger, the same summary reads the levels by version once per workflow and range. Runs lie on
     * every edge the pieces have (a second before and at each end, inside the edge quarter-hours and hours, whole
     * days, the hours before the end), in both periods or in one: each read must count each exactly once; and a
     * 365-day summary, read per project with half of the workflows on each connection (MetricsService).
     */
    @Test
    void shouldCountManyWorkflowsExactlyWhetherReadPerProjectOrPerWorkflow() {
        Tenant tenant = Tenant.create();
        Instant from = FROM.plus(Duration.ofMinutes(45));
        Instant to = TO.minus(Duration.ofMinutes(90));
        Instant previousFrom = from.minus(Duration.between(from, to));
        List<Instant> times = List.of(previousFrom.minusSeconds(1), previousFrom,
                previousFrom.plus(Duration.ofMinutes(20)), previousFrom.plus(Duration.ofHours(5)),
                previousFrom.plus(Duration.ofDays(3)), from.minusSeconds(1), from, from.plus(Duration.ofMinutes(14)),
                from.plus(Duration.ofHours(3)), at(3, 11), to.minus(Duration.ofHours(3)),
                to.minus(Duration.ofMinutes(10)), to.minusSeconds(1), to);
        String[] statuses = {"succeeded", "failed", "timed_out", "canceled"};
        List<Run> runs = new ArrayList<>();
        for (int w = 0; w < 40; w++) {
            Flow flow = tenant.flow("many-" + w);
            for (int i = 0; i < times.size(); i++) {
                // many-38 has runs before the current period only, many-39 none before it
                boolean skipped = w == 38 ? i > 5 : w == 39 && i <= 5;
                if ((i + w) % 3 != 0 && !skipped) {
                    runs.add(
                            flow.run(statuses[(i + w) % 4], times.get(i)).trigger(i % 2 == 0 ? "webhook" : "schedule"));
                }
            }
        }
        new RecordedRuns(recorder).add(runs).record();

        JsonNode perProject = tenant.ok(SUMMARY, "from", from, "to", to, "limit", 50);
        JsonNode perWorkflow = tenant.ok(SUMMARY, "from", from, "to", to, "limit", 50, "trigger", "webhook,schedule");
        // a previous period mostly older than the rollups' retention: per project too, half the workflows each
        JsonNode year = tenant.ok(SUMMARY, "from", to.minus(Duration.ofDays(365)), "to", to, "limit", 50);
        assertThat(year.at("/workflows")).hasSize(40);
        for (int w = 0; w < 40; w++) {
            String slug = "many-" + w;
            List<Run> own = runs.stream().filter(r -> r.flow().slug().equals(slug)).toList();
            assertCounts(workflow(year, slug).get("counts"), Counts.in(own, to.minus(Duration.ofDays(365)), to));
            assertCounts(workflow(year, slug).get("previous"), Counts.NONE);
        }
        assertCounts(year.at("/aggregate/counts"), Counts.in(runs, to.minus(Duration.ofDays(365)), to));

        for (JsonNode body : List.of(perProject, perWorkflow)) {
            assertThat(body.at("/workflows")).hasSize(40);
            for (int w = 0; w < 40; w++) {
                String slug = "many-" + w;
                List<Run> own = runs.stream().filter(r -> r.flow().slug().equals(slug)).toList();
                assertCounts(workflow(body, slug).get("counts"), Counts.in(own, from, to));
                assertCounts(workflow(body, slug).get("previous"), Counts.in(own, previousFrom, from));
            }
            assertThat(workflow(body, "many-38").at("/counts/total").asLong()).isZero();
            assertThat(workflow(body, "many-38").at("/previous/total").asLong()).isPositive();
            assertThat(workflow(body, "many-39").at("/previous/total").asLong()).isZero();
            assertCounts(body.at("/aggregate/counts"), Counts.in(runs, from, to));
            assertCounts(body.at("/aggregate/previous"), Counts.in(runs, previousFrom, from));
            assertThat(Counts.ofSeries(body.at("/aggregate/series"))).isEqualTo(Counts.in(runs, from, to));
        }
    }

    @Test
    void shouldReadDurationPercentilesFromTheHistogramWithin10PercentOfTheRecordedOnes() {
        Tenant tenant = Tenant.create();
        Flow flow = tenant.flow("slow-and-fast");
        List<Long> durations = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            long ms = Math.round(80 * Math.pow(1.05, (i * 37) % 120)) + i;
            durations.add(ms);
            runs.add(flow.run(i % 7 == 0 ? "failed" : i % 11 == 0 ? "canceled" : "succeeded",
                    at(i % 7, i % 24)).took(ms));
        }
        new RecordedRuns(recorder).add(runs).record();

        JsonNode body = tenant.ok(SUMMARY, "from", FROM, "to", TO);

        for (JsonNode duration : List.of(body.at("/workflows/0/duration"), body.at("/aggregate/duration"))) {
            assertThat(duration.get("p50Ms").asDouble()).isCloseTo(percentile(durations, 0.50), withinPercentage(10));
            assertThat(duration.get("p95Ms").asDouble()).isCloseTo(percentile(durations, 0.95), withinPercentage(10));
            assertThat(duration.get("p99Ms").asDouble()).isCloseTo(percentile(durations, 0.99), withinPercentage(10));
            assertThat(duration.get("maxMs").asLong()).isEqualTo(durations.stream().mapToLong(d -> d).max()
                    .orElseThrow());
            assertThat(duration.get("averageMs").asDouble())
                    .isCloseTo(durations.stream().mapToLong(d -> d).average().orElseThrow(), withinPercentage(1e-6));
        }
    }

    @Test
    void shouldReflectARunInTheNextReadRightAfterItWasRecorded() {
        World world = world();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JsonNode before = world.tenant().ok(SUMMARY, "range", "24h", "q", "order-sync");
        assertThat(before.at("/workflows/0/counts/total").asLong()).isZero();

        new RecordedRuns(recorder).add(world.orderV2().run("timed_out", now.minusSeconds(5))).record();
        JsonNode after = world.tenant().ok(SUMMARY, "range", "24h", "q", "order-sync");

        assertCounts(after.at("/workflows/0/counts"), new Counts(0, 0, 1, 0));
        assertThat(instant(after.at("/workflows/0/lastRunAt"))).isEqualTo(now.minusSeconds(5));
        assertThat(after.at("/workflows/0/lastRunStatus").asText()).isEqualTo("timed_out");
        assertCounts(after.at("/aggregate/counts"), new Counts(0, 0, 1, 0));
    }

    /** The slugs listed for the current period with the extra parameters, in the listing's order. */
    private static List<String> listed(Tenant tenant, Object... params) {
        List<Object> all = new ArrayList<>(List.of("from", FROM, "to", TO, "limit", 500));
        all.addAll(List.of(params));
        if (!all.contains("sort")) {
            all.addAll(List.of("sort", "slug"));
        }
        return slugs(tenant.ok(SUMMARY, all.toArray()));
    }

    private static List<String> matching(World world, Predicate<String> slug) {
        return world.slugs().stream().filter(slug).toList();
    }

    private static List<Run> runsOf(World world, Flow version) {
        return world.runs().stream().filter(r -> r.flow().equals(version)).toList();
    }

    /** The order: by the value, missing values last in both orders, then by slug. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<String> nullsLast(Function<String, Comparable<?>> value, boolean descending) {
        return (a, b) -> {
            Comparable x = value.apply(a);
            Comparable y = value.apply(b);
            if (x == null || y == null) {
                return x == null && y == null ? a.compareTo(b) : x == null ? 1 : -1;
            }
            int byValue = descending ? y.compareTo(x) : x.compareTo(y);
            return byValue != 0 ? byValue : a.compareTo(b);
        };
    }

    private static void assertChange(JsonNode change, Counts current, Counts previous) {
        assertRate(change.get("failureRate"), current.failureRate() == null || previous.failureRate() == null
                ? null
                : current.failureRate() - previous.failureRate());
        assertRate(change.get("successRate"), current.successRate() == null || previous.successRate() == null
                ? null
                : current.successRate() - previous.successRate());
        assertThat(change.get("runs").asLong()).isEqualTo(current.total() - previous.total());
    }

}
