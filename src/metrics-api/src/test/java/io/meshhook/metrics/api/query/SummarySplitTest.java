package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.data.time.Granularity;
import io.meshhook.metrics.data.time.TimeWindow;

/**
 * Which way a summary read per project splits over its two connections: by period while most of the previous
 * period can still hold rollups (400 days are kept), by workflows when most of it is pruned.
 */
class SummarySplitTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private static boolean byPeriod(Duration length) {
        return MetricsService.previousMostlyKept(new TimeWindow(NOW.minus(length), NOW, ZoneOffset.UTC,
                Granularity.DAY, null), NOW);
    }

    @Test
    void shouldSplitByPeriodWhileMostOfThePreviousPeriodIsKept() {
        assertThat(byPeriod(Duration.ofDays(30))).isTrue();
        assertThat(byPeriod(Duration.ofDays(200))).as("previous period 400 to 200 days ago: all kept").isTrue();
        assertThat(byPeriod(Duration.ofDays(266))).as("134 of its 266 days kept").isTrue();
        assertThat(byPeriod(Duration.ofDays(268))).as("132 of its 268 days kept").isFalse();
        assertThat(byPeriod(Duration.ofDays(365))).as("35 of its 365 days kept").isFalse();
    }
}
