package io.meshhook.metrics.api.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.alerts.BacktestReplay.Firing;
import io.meshhook.metrics.data.rates.RunCounts;

/** The replay alone, on hand-made buckets: the edges the HTTP tests do not reach. */
class BacktestReplayTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void shouldCountTimeoutsAsFailuresAndLeaveCanceledRunsOutOfTheRate() {
        RunCounts[] buckets = new RunCounts[8];
        // 6 succeeded, 2 failed, 2 timed out, 90 canceled: 4 / 10 = 40 %, not 4 / 100
        buckets[3] = new RunCounts(6, 2, 2, 90, 0);
        List<Firing> fired = BacktestReplay.replay("wf", buckets, FROM, 7, rule("above", 0.3, null, 900, 10, 0));
        assertThat(fired).containsExactly(new Firing("wf", FROM.plusSeconds(3 * 900), FROM.plusSeconds(4 * 900),
                0.4));
    }

    @Test
    void shouldRoundForUpToWholeStepsAndResetItWhenTheConditionBreaks() {
        RunCounts bad = new RunCounts(5, 5, 0, 0, 0);
        RunCounts good = new RunCounts(10, 0, 0, 0, 0);
        // bad, bad, good, bad, bad, bad: with for = 20 minutes only the second run of bad buckets lasts long enough
        RunCounts[] buckets = {null, bad, bad, good, bad, bad, bad, good};
        List<Firing> fired = BacktestReplay.replay("wf", buckets, FROM, 7, rule("above", 0.3, null, 300, 10, 1200));
        assertThat(fired).extracting(Firing::firedAt).containsExactly(FROM.plusSeconds(6 * 900));
    }

    @Test
    void shouldTreatBelowRulesFromTheLowSideAndClearPastTheRecoverThreshold() {
        RunCounts[] buckets = new RunCounts[6];
        buckets[1] = new RunCounts(5, 5, 0, 0, 0); // 50 % success
        buckets[2] = new RunCounts(7, 3, 0, 0, 0); // 70 %: above 60, not above the recovery at 80
        buckets[3] = new RunCounts(9, 1, 0, 0, 0); // 90 %
        Metric successRate = Metric.SUCCESS_RATE;
        RuleDraft rule = new RuleDraft(UUID.randomUUID(), "r", null, successRate, "below", 0.6, 0.8, 900, 10, 0,
                14400, true, List.of(), null, null, null, false);
        assertThat(BacktestReplay.replay("wf", buckets, FROM, 5, rule)).containsExactly(
                new Firing("wf", FROM.plusSeconds(900), FROM.plusSeconds(3 * 900), 0.5));
    }

    private static RuleDraft rule(String operator, double threshold, Double recover, int window, int minRuns,
            int forSeconds) {
        return new RuleDraft(UUID.randomUUID(), "r", null, Metric.FAILURE_RATE, operator, threshold, recover, window,
                minRuns, forSeconds, 14400, true, List.of(), null, null, null, false);
    }
}
