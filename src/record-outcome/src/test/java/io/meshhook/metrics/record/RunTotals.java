package io.meshhook.metrics.record;

import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

import io.meshhook.metrics.record.RunMix.Run;
import io.meshhook.metrics.testing.TestDatabase;

/**
 * What the counters, rollups and error rollups must hold, in one shape whether computed by the test from the runs
 * it generated, read from a GROUP BY over the raw outcomes, or read from the tables the recorder maintains.
 */
final class RunTotals {

    private static final Duration ROLLUP_BUCKET = Duration.ofMinutes(15);
    private static final Duration ERROR_BUCKET = Duration.ofHours(1);

    private RunTotals() {
    }

    /** A workflow_run_metrics row. */
    record Counters(UUID projectId, UUID workflowId, long succeeded, long failed, long timedOut, long canceled,
            long testRuns, Instant lastRunAt, String lastRunStatus) {

        static Counters of(Map<String, Object> row) {
            return new Counters((UUID) row.get("project_id"), (UUID) row.get("workflow_id"),
                    number(row, "succeeded"), number(row, "failed"), number(row, "timed_out"), number(row, "canceled"),
                    number(row, "test_runs"), instant(row, "last_run_at"), (String) row.get("last_run_status"));
        }

        static List<Counters> expected(List<Run> runs) {
            return groups(runs, r -> List.of(r.workflow().projectId(), r.workflow().id()), group -> {
                List<Run> counted = group.stream().filter(Run::counted).toList();
                Run last = counted.stream().max(Comparator.comparing(Run::finishedAt)).orElse(null);
                return new Counters(group.get(0).workflow().projectId(), group.get(0).workflow().id(),
                        count(counted, r -> r.status().equals("succeeded")), count(counted, Run::failure),
                        count(counted, r -> r.status().equals("timed_out")),
                        count(counted, r -> r.status().equals("canceled")), group.size() - counted.size(),
                        last == null ? null : last.finishedAt(), last == null ? null : last.status());
            });
        }
    }

    /** A workflow_run_rollups row; runs is the sum of its duration histogram. */
    record Rollup(UUID projectId, String slug, Instant bucketStart, UUID workflowId, String trigger, long succeeded,
            long failed, long timedOut, long canceled, long retried, long durationSumMs, long durationMaxMs,
            long runs) {

        static Rollup of(Map<String, Object> row) {
            return new Rollup((UUID) row.get("project_id"), (String) row.get("workflow_slug"),
                    instant(row, "bucket_start"), (UUID) row.get("workflow_id"), (String) row.get("trigger"),
                    number(row, "succeeded"), number(row, "failed"), number(row, "timed_out"),
                    number(row, "canceled"), number(row, "retried"), number(row, "duration_sum_ms"),
                    number(row, "duration_max_ms"), number(row, "runs"));
        }

        static List<Rollup> expected(List<Run> runs) {
            return groups(runs, RunTotals::rollupKey, group -> {
                Run any = group.get(0);
                return new Rollup(any.workflow().projectId(), any.workflow().slug(),
                        floor(any.finishedAt(), ROLLUP_BUCKET), any.workflow().id(), any.trigger(),
                        count(group, r -> r.status().equals("succeeded")),
                        count(group, r -> r.status().equals("failed")),
                        count(group, r -> r.status().equals("timed_out")),
                        count(group, r -> r.status().equals("canceled")), count(group, r -> r.attempt() > 1),
                        group.stream().mapToLong(Run::durationMs).sum(),
                        group.stream().mapToLong(Run::durationMs).max().orElseThrow(), group.size());
            });
        }
    }

    /** A rollup's duration histogram: runs per bucket index, zero buckets left out. */
    record Histogram(List<Object> rollupKey, Map<Integer, Integer> runsPerBucket) {

        static Histogram of(Map<String, Object> row) {
            Map<Integer, Integer> buckets = new TreeMap<>();
            String[] counts = ((String) row.get("duration_hist")).split(",");
            for (int i = 0; i < counts.length; i++) {
                if (!counts[i].isEmpty() && Integer.parseInt(counts[i]) != 0) {
                    buckets.put(i + 1, Integer.parseInt(counts[i]));
                }
            }
            return new Histogram(List.of(row.get("project_id"), row.get("workflow_slug"), instant(row, "bucket_start"),
                    row.get("workflow_id"), row.get("trigger")), buckets);
        }

        static List<Histogram> expected(List<Run> runs) {
            return groups(runs, RunTotals::rollupKey, group -> {
                Map<Integer, Integer> buckets = new TreeMap<>();
                group.forEach(r -> buckets.merge(bucket(r.durationMs()), 1, Integer::sum));
                return new Histogram(RunTotals.rollupKey(group.get(0)), buckets);
            });
        }

        /**
         * 1 + floor(4 * log2(1 + d)), capped at 160, in exact integer arithmetic: floor(log2(x^4)) is the bit length
         * of x^4 minus one, so no floating-point rounding can move a run across a bucket edge.
         */
        private static int bucket(long durationMs) {
            return Math.min(160, BigInteger.valueOf(1 + durationMs).pow(4).bitLength());
        }
    }

    /** A workflow_run_error_rollups row. */
    record ErrorRollup(UUID projectId, String slug, Instant bucketStart, String errorCode, long occurrences,
            Instant lastSeenAt) {

        static ErrorRollup of(Map<String, Object> row) {
            return new ErrorRollup((UUID) row.get("project_id"), (String) row.get("workflow_slug"),
                    instant(row, "bucket_start"), (String) row.get("error_code"), number(row, "occurrences"),
                    instant(row, "last_seen_at"));
        }

        static List<ErrorRollup> expected(List<Run> runs) {
            List<Run> failures = runs.stream().filter(r -> r.counted() && r.failure()).toList();
            return groups(failures, r -> List.of(r.workflow().projectId(), r.workflow().slug(),
                    floor(r.finishedAt(), ERROR_BUCKET), code(r)), group -> {
                        Run any = group.get(0);
                        return new ErrorRollup(any.workflow().projectId(), any.workflow().slug(),
                                floor(any.finishedAt(), ERROR_BUCKET), code(any), group.size(),
                                group.stream().map(Run::finishedAt).max(Comparator.naturalOrder()).orElseThrow());
                    });
        }

        /** A failure reported without a code is still counted, under a code that says why it has none. */
        private static String code(Run r) {
            if (r.errorCode() != null) {
                return r.errorCode();
            }
            return r.status().equals("timed_out") ? "TIMED_OUT" : "UNSPECIFIED";
        }
    }

    /**
     * Asserts that two sets of rows are equal, naming only the rows that differ: thousands of equal rows would
     * bury them.
     */
    static <T> void assertSameRows(List<T> actual, String actualName, List<T> expected, String expectedName) {
        assertThat(minus(actual, expected)).as("rows of %s not in %s", actualName, expectedName).isEmpty();
        assertThat(minus(expected, actual)).as("rows of %s not in %s", expectedName, actualName).isEmpty();
    }

    private static <T> List<T> minus(List<T> rows, List<T> others) {
        List<T> rest = new ArrayList<>(rows);
        others.forEach(rest::remove);
        return rest;
    }

    static List<Counters> counters(Collection<Map<String, Object>> rows) {
        return rows.stream().map(Counters::of).toList();
    }

    /** The counters recomputed from the raw outcomes that match {@code where} (an SQL condition with its ?s). */
    static List<Counters> countersFromRaw(TestDatabase db, String where, Object... params) {
        return counters(db.query("""
                select project_id, workflow_id,
                    count(*) filter (where trigger <> 'test' and status = 'succeeded') as succeeded,
                    count(*) filter (where trigger <> 'test' and status in ('failed', 'timed_out')) as failed,
                    count(*) filter (where trigger <> 'test' and status = 'timed_out') as timed_out,
                    count(*) filter (where trigger <> 'test' and status = 'canceled') as canceled,
                    count(*) filter (where trigger = 'test') as test_runs,
                    max(finished_at) filter (where trigger <> 'test') as last_run_at,
                    (array_agg(status order by finished_at desc) filter (where trigger <> 'test'))[1]
                        as last_run_status
                from workflow_run_outcomes where\s""" + where + " group by project_id, workflow_id", params));
    }

    /** The counters stored in workflow_run_metrics for the rows that match {@code where}. */
    static List<Counters> storedCounters(TestDatabase db, String where, Object... params) {
        return counters(db.query("""
                select project_id, workflow_id, success_count as succeeded, failure_count as failed,
                    timed_out_count as timed_out, canceled_count as canceled, test_run_count as test_runs,
                    last_run_at, last_run_status
                from workflow_run_metrics where\s""" + where, params));
    }

    static List<Rollup> rollups(Collection<Map<String, Object>> rows) {
        return rows.stream().map(Rollup::of).toList();
    }

    static List<Histogram> histograms(Collection<Map<String, Object>> rows) {
        return rows.stream().map(Histogram::of).toList();
    }

    static List<ErrorRollup> errorRollups(Collection<Map<String, Object>> rows) {
        return rows.stream().map(ErrorRollup::of).toList();
    }

    /** The primary key of workflow_run_rollups, for the rollup a run belongs to. */
    private static List<Object> rollupKey(Run r) {
        return List.of(r.workflow().projectId(), r.workflow().slug(), floor(r.finishedAt(), ROLLUP_BUCKET),
                r.workflow().id(), r.trigger());
    }

    private static <T> List<T> groups(List<Run> runs, Function<Run, List<Object>> key, Function<List<Run>, T> total) {
        return runs.stream().collect(groupingBy(key)).values().stream().map(total).toList();
    }

    private static long count(List<Run> runs, Predicate<Run> which) {
        return runs.stream().filter(which).count();
    }

    private static Instant floor(Instant at, Duration size) {
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), size.toSeconds()) * size.toSeconds());
    }

    private static long number(Map<String, Object> row, String column) {
        return ((Number) row.get(column)).longValue();
    }

    private static Instant instant(Map<String, Object> row, String column) {
        return row.get(column) == null ? null : ((Timestamp) row.get(column)).toInstant();
    }
}
