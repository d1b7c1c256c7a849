package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.RunTotals.assertSameRows;
import static io.meshhook.metrics.record.RunTotals.countersFromRaw;
import static io.meshhook.metrics.record.RunTotals.errorRollups;
import static io.meshhook.metrics.record.RunTotals.histograms;
import static io.meshhook.metrics.record.RunTotals.rollups;
import static io.meshhook.metrics.record.RunTotals.storedCounters;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.record.RunMix.Run;
import io.meshhook.metrics.record.RunTotals.Counters;
import io.meshhook.metrics.record.RunTotals.ErrorRollup;
import io.meshhook.metrics.record.RunTotals.Histogram;
import io.meshhook.metrics.record.RunTotals.Rollup;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Many engines report at once, some of them the same runs at the same moment: every run must still be counted
 * exactly once, everywhere. Everything is sent once, before the tests, which each check one table against a GROUP
 * BY over the raw outcomes and against the totals computed here from the runs that were generated.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyTest {

    private static final int RUNS = 2_000;
    private static final int WORKFLOWS = 50;
    private static final int CLIENTS = 32;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rows of this test's projects only: other test classes share the database. */
    private static final String OURS = " project_id in (select id from projects where owner = ?) ";

    @TestHTTPResource
    URI app;

    private TestDatabase db;
    private final UUID owner = UUID.randomUUID();
    private List<Run> runs;
    private final Random rnd = new Random(20_261_129);
    private final Queue<String> refused = new ConcurrentLinkedQueue<>();
    private final Map<UUID, Integer> newAcks = new ConcurrentHashMap<>();
    private final AtomicInteger answers = new AtomicInteger();
    private int sent;

    @BeforeAll
    void recordConcurrently() throws Exception {
        db = DatabaseResource.database();
        List<UUID> projects = List.of(db.createProject(owner, "concurrency one"),
                db.createProject(owner, "concurrency two"), db.createProject(owner, "concurrency three"));
        runs = RunMix.runs(RunMix.workflows(projects, WORKFLOWS), RUNS, Instant.now(), Duration.ofDays(10), rnd);
        List<Send> plan = plan();
        sent = plan.stream().mapToInt(s -> s.runs().size()).sum();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = TestTokens.service();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            plan.forEach(send -> done.add(clients.submit(() -> {
                post(http, token, send);
                return null;
            })));
            for (Future<?> f : done) {
                f.get(120, SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void shouldAnswer200AndAcknowledgeEachRunAsNewExactlyOnceWhenClientsRaceAndRepeat() {
        assertThat(refused).isEmpty();
        assertThat(sent).as("every run sent, a tenth of them twice").isEqualTo(RUNS + RUNS / 10);
        assertThat(answers).hasValue(sent);
        assertThat(newAcks).hasSize(RUNS).containsOnlyKeys(runs.stream().map(Run::runId).toList());
        assertThat(newAcks.values()).containsOnly(1);
    }

    @Test
    void shouldKeepOneLedgerRowAndOneRawRowPerRunWhenRunsAreSentTwice() {
        assertThat(db.scalar("select count(*) from workflow_run_outcome_keys where" + OURS, owner)).isEqualTo(RUNS);
        assertThat(db.scalar("select count(*) from workflow_run_outcomes where" + OURS, owner)).isEqualTo(RUNS);
        assertThat(db.scalar("select count(distinct run_id) from workflow_run_outcomes where" + OURS, owner))
                .isEqualTo(RUNS);
        assertThat(db.scalar("select count(distinct tableoid) from workflow_run_outcomes where" + OURS, owner))
                .as("weekly partitions written").isGreaterThan(1);
    }

    @Test
    void shouldMatchTheRawOutcomesInEveryCounterRowWhenWrittenConcurrently() {
        List<Counters> fromRaw = countersFromRaw(db, OURS, owner);
        List<Counters> stored = storedCounters(db, OURS, owner);

        assertThat(fromRaw).hasSize(WORKFLOWS);
        assertSameRows(fromRaw, "the raw outcomes", Counters.expected(runs), "the runs sent");
        assertSameRows(stored, "workflow_run_metrics", fromRaw, "the raw outcomes");
    }

    @Test
    void shouldMatchTheRawOutcomesInEveryRollupRowWhenWrittenConcurrently() {
        List<Rollup> fromRaw = rollups(db.query("""
                select project_id, workflow_slug,
                    to_timestamp(floor(extract(epoch from finished_at) / 900) * 900) as bucket_start,
                    workflow_id, trigger,
                    count(*) filter (where status = 'succeeded') as succeeded,
                    count(*) filter (where status = 'failed') as failed,
                    count(*) filter (where status = 'timed_out') as timed_out,
                    count(*) filter (where status = 'canceled') as canceled,
                    count(*) filter (where attempt > 1) as retried,
                    sum(duration_ms) as duration_sum_ms, max(duration_ms) as duration_max_ms, count(*) as runs
                from workflow_run_outcomes where""" + OURS + "group by 1, 2, 3, 4, 5", owner));
        List<Rollup> stored = rollups(db.query("""
                select project_id, workflow_slug, bucket_start, workflow_id, trigger, succeeded, failed, timed_out,
                    canceled, retried, duration_sum_ms, duration_max_ms,
                    (select coalesce(sum(n), 0) from unnest(duration_hist) n) as runs
                from workflow_run_rollups where""" + OURS, owner));

        assertThat(fromRaw).as("rows that many runs were merged into").anyMatch(r -> r.runs() > 10);
        assertSameRows(fromRaw, "the raw outcomes", Rollup.expected(runs), "the runs sent");
        assertSameRows(stored, "workflow_run_rollups", fromRaw, "the raw outcomes");
    }

    @Test
    void shouldKeepTheHourlyAndDailyLevelsEqualToTheRollupsWhenWrittenConcurrently() {
        for (String level : List.of("hourly", "daily")) {
            String len = level.equals("hourly") ? "1 hour" : "1 day";
            assertThat(db.scalar("select count(*) from workflow_run_rollups_" + level + " where" + OURS, owner))
                    .as("%s rows", level).isGreaterThan(WORKFLOWS);
            assertThat(db.query("""
                    select * from (select project_id, workflow_slug, date_bin(?::interval, bucket_start, 'epoch') b,
                        workflow_id, trigger, sum(succeeded) s, sum(failed) f, sum(timed_out) t, sum(canceled) c,
                        sum(retried) r, sum(duration_sum_ms) d, max(duration_max_ms) m,
                        run_metrics_hist_add(run_metrics_hist_sum(duration_hist), '{}') h
                      from workflow_run_rollups where""" + OURS + """
                      group by 1, 2, 3, 4, 5) e
                    full join (select project_id, workflow_slug, bucket_start b, workflow_id, trigger, succeeded s,
                        failed f, timed_out t, canceled c, retried r, duration_sum_ms d, duration_max_ms m,
                        run_metrics_hist_add(duration_hist, '{}') h
                      from workflow_run_rollups_""" + level + " where" + OURS
                    + """
                            ) l using (project_id, workflow_slug, b, workflow_id, trigger)
                            where (e.s, e.f, e.t, e.c, e.r, e.d, e.m, e.h) is distinct from (l.s, l.f, l.t, l.c, l.r, l.d, l.m, l.h)
                            """,
                    len, owner, owner)).as("%s level rows that differ from the 15-minute rollups", level)
                    .isEmpty();
        }
    }

    @Test
    void shouldPutEachRunInItsDurationBucketWhenRollupsAreMergedConcurrently() {
        List<Histogram> stored = histograms(db.query("""
                select project_id, workflow_slug, bucket_start, workflow_id, trigger,
                    array_to_string(duration_hist, ',', '') as duration_hist
                from workflow_run_rollups where""" + OURS, owner));

        assertSameRows(stored, "workflow_run_rollups", Histogram.expected(runs), "the runs sent");
    }

    @Test
    void shouldMatchTheRawFailuresInEveryErrorRollupRowWhenWrittenConcurrently() {
        List<ErrorRollup> fromRaw = errorRollups(db.query("""
                select project_id, workflow_slug,
                    to_timestamp(floor(extract(epoch from finished_at) / 3600) * 3600) as bucket_start,
                    coalesce(error_code, case status when 'timed_out' then 'TIMED_OUT' else 'UNSPECIFIED' end)
                        as error_code,
                    count(*) as occurrences, max(finished_at) as last_seen_at
                from workflow_run_outcomes
                where status in ('failed', 'timed_out') and trigger <> 'test' and""" + OURS
                + "group by 1, 2, 3, 4", owner));
        List<ErrorRollup> stored = errorRollups(db.query("""
                select project_id, workflow_slug, bucket_start, error_code, occurrences, last_seen_at
                from workflow_run_error_rollups where""" + OURS, owner));

        assertThat(fromRaw).isNotEmpty();
        assertSameRows(fromRaw, "the raw outcomes", ErrorRollup.expected(runs), "the runs sent");
        assertSameRows(stored, "workflow_run_error_rollups", fromRaw, "the raw outcomes");
    }

    @Test
    void shouldHaveNoRollupWithoutRawRunsWhenEverythingIsCommitted() {
        assertThat(db.scalar("""
                select count(*) from workflow_run_rollups r
                where r.project_id in (select id from projects where owner = ?)
                    and not exists (select 1 from workflow_run_outcomes o
                        where o.project_id = r.project_id and o.workflow_slug = r.workflow_slug
                            and o.workflow_id = r.workflow_id and o.trigger = r.trigger
                            and o.finished_at >= r.bucket_start
                            and o.finished_at < r.bucket_start + interval '15 minutes')
                """, owner)).isZero();
        assertThat(db.scalar("""
                select count(*) from workflow_run_error_rollups e
                where e.project_id in (select id from projects where owner = ?)
                    and not exists (select 1 from workflow_run_outcomes o
                        where o.project_id = e.project_id and o.workflow_slug = e.workflow_slug
                            and o.status in ('failed', 'timed_out') and o.trigger <> 'test'
                            and o.finished_at >= e.bucket_start and o.finished_at < e.bucket_start + interval '1 hour')
                """, owner)).isZero();
    }

    /**
     * A tenth of the runs is sent twice: half of those by two clients released at the same instant (a single
     * against a single, or a batch against the same batch reversed, which locks rows in another order), the other
     * half again later among the rest. The others are split between singles and batches of about twenty.
     */
    private List<Send> plan() {
        List<Run> shuffled = new ArrayList<>(runs);
        Collections.shuffle(shuffled, rnd);
        int tenth = RUNS / 10;
        List<Run> racing = shuffled.subList(0, tenth / 2);
        List<Run> repeated = shuffled.subList(tenth / 2, tenth);

        List<List<Send>> units = new ArrayList<>();
        requests(shuffled.subList(tenth / 2, RUNS)).forEach(send -> units.add(List.of(send)));
        List<Run> again = new ArrayList<>(repeated);
        Collections.shuffle(again, rnd);
        requests(again).forEach(send -> units.add(List.of(send)));
        for (int i = 0; i < racing.size();) {
            List<Run> chunk = racing.subList(i, Math.min(racing.size(), i + (i < racing.size() / 2 ? 1 : 5)));
            List<Run> reversed = new ArrayList<>(chunk);
            Collections.reverse(reversed);
            CyclicBarrier together = new CyclicBarrier(2);
            // adjacent in the queue, so two clients take them up at once and neither waits for long
            units.add(List.of(new Send(chunk, together), new Send(reversed, together)));
            i += chunk.size();
        }
        Collections.shuffle(units, rnd);
        return units.stream().flatMap(List::stream).toList();
    }

    private List<Send> requests(List<Run> toSend) {
        List<Send> sends = new ArrayList<>();
        int half = toSend.size() / 2;
        toSend.subList(0, half).forEach(run -> sends.add(new Send(List.of(run), null)));
        for (int i = half; i < toSend.size();) {
            int size = Math.min(toSend.size() - i, 15 + rnd.nextInt(11));
            sends.add(new Send(toSend.subList(i, i + size), null));
            i += size;
        }
        return sends;
    }

    private void post(HttpClient http, String token, Send send) throws Exception {
        boolean single = send.runs().size() == 1;
        Object body = single
                ? send.runs().get(0).body()
                : Map.of("outcomes", send.runs().stream().map(Run::body).toList());
        HttpRequest request = HttpRequest.newBuilder(app.resolve(single ? "/recordOutcome" : "/recordOutcomes"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        if (send.together() != null) {
            send.together().await(30, SECONDS);
        }
        HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            refused.add(response.statusCode() + " " + response.body());
            return;
        }
        JsonNode answer = JSON.readTree(response.body());
        Iterable<JsonNode> results = single ? List.of(answer) : answer.get("results");
        for (JsonNode result : results) {
            answers.incrementAndGet();
            if (!result.get("duplicate").booleanValue()) {
                newAcks.merge(UUID.fromString(result.get("runId").textValue()), 1, Integer::sum);
            }
        }
    }

    /** One request: a single run or a batch; racing requests share a barrier that releases them together. */
    private record Send(List<Run> runs, CyclicBarrier together) {
    }
}
