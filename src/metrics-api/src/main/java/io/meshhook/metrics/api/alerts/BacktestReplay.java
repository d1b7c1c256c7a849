package io.meshhook.metrics.api.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.meshhook.metrics.data.rates.RunCounts;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Replays a rule over one workflow's 15-minute rollups, step by step, with the evaluator's state machine (ok →
 * pending → firing → ok): minRuns (too little data is never firing), {@code for} (the condition must hold that
 * long) and hysteresis (a firing alert clears only past recoverThreshold). Window sums come from prefix sums, so
 * a replay costs one pass over the buckets whatever the window.
 */
final class BacktestReplay {

    static final Duration STEP = Duration.ofMinutes(15);

    /** One time the rule would have fired: when, when it would have resolved (null: still firing), its worst value. */
    @RegisterForReflection
    public record Firing(String workflowSlug, Instant firedAt, Instant resolvedAt, double peakValue) {
    }

    private BacktestReplay() {
    }

    /** Whole 15-minute buckets a window spans; shorter windows are read as one bucket, the rollups' grain. */
    static int windowBuckets(int windowSeconds) {
        return (int) Math.max(1, (windowSeconds + STEP.toSeconds() - 1) / STEP.toSeconds());
    }

    /**
     * @param buckets counts per bucket, index 0 starting {@code windowBuckets} buckets before {@code from}; null
     *        entries are buckets without runs; length {@code steps + windowBuckets}
     * @param from the start of the evaluated period; step j evaluates the window ending at from + (j + 1) × 15 min
     */
    static List<Firing> replay(String slug, RunCounts[] buckets, Instant from, int steps, RuleDraft rule) {
        int wb = windowBuckets(rule.windowSeconds());
        long[][] prefix = new long[4][buckets.length + 1];
        int firstSeen = -1;
        for (int i = 0; i < buckets.length; i++) {
            RunCounts c = buckets[i] == null ? RunCounts.NONE : buckets[i];
            prefix[0][i + 1] = prefix[0][i] + c.succeeded();
            prefix[1][i + 1] = prefix[1][i] + c.failed();
            prefix[2][i + 1] = prefix[2][i] + c.timedOut();
            prefix[3][i + 1] = prefix[3][i] + c.canceled();
            if (firstSeen < 0 && c.total() > 0) {
                firstSeen = i;
            }
        }
        List<Firing> fired = new ArrayList<>();
        boolean worstIsLow = rule.operator().equals("below");
        Instant pendingSince = null;
        Instant firedAt = null;
        double peak = 0;
        for (int j = 0; j < steps; j++) {
            Instant t = from.plus(STEP.multipliedBy(j + 1L));
            int end = j + 1 + wb;
            // before a workflow's first run it did not exist (yet): nothing to judge, not "zero runs"
            Double value = firstSeen < 0 || end <= firstSeen
                    ? null
                    : rule.metric().value(window(prefix, end - wb, end), rule.minRuns());
            if (firedAt != null) {
                if (value == null || rule.recovered(value)) {
                    fired.add(new Firing(slug, firedAt, t, peak));
                    firedAt = null;
                    pendingSince = null;
                } else {
                    peak = worstIsLow ? Math.min(peak, value) : Math.max(peak, value);
                }
                continue;
            }
            if (value == null || !rule.breached(value)) {
                pendingSince = null;
                continue;
            }
            if (pendingSince == null) {
                pendingSince = t;
            }
            if (Duration.between(pendingSince, t).toSeconds() >= rule.forSeconds()) {
                firedAt = t;
                peak = value;
            }
        }
        if (firedAt != null) {
            fired.add(new Firing(slug, firedAt, null, peak));
        }
        return fired;
    }

    private static RunCounts window(long[][] prefix, int start, int end) {
        return new RunCounts(prefix[0][end] - prefix[0][start], prefix[1][end] - prefix[1][start],
                prefix[2][end] - prefix[2][start], prefix[3][end] - prefix[3][start], 0);
    }
}
