package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meshhook.metrics.api.query.Responses.Point;
import io.meshhook.metrics.data.rates.DurationHistogram;
import io.meshhook.metrics.data.rates.RunCounts;
import io.meshhook.metrics.data.time.TimeWindow;

/** Turns counted buckets into a complete series: every local bucket of the window, empty ones at zero. */
final class Series {

    private Series() {
    }

    static List<Point> points(TimeWindow window, List<RollupReader.Bucket> counted, Instant now) {
        Map<Instant, RunCounts> byStart = new LinkedHashMap<>();
        for (ZonedDateTime start : window.bucketStarts()) {
            byStart.put(start.toInstant(), RunCounts.NONE);
        }
        for (RollupReader.Bucket b : counted) {
            // PostgreSQL and java.time agree on local bucket starts; floor again so an odd zone rule cannot lose runs
            Instant start = byStart.containsKey(b.start())
                    ? b.start()
                    : window.granularity().floor(b.start().atZone(window.zone())).toInstant();
            byStart.merge(start, b.counts(), RunCounts::plus);
        }
        List<Point> points = new ArrayList<>(byStart.size());
        byStart.forEach((start, c) -> {
            ZonedDateTime local = start.atZone(window.zone());
            points.add(new Point(local.toOffsetDateTime(), c.succeeded(), c.failed(), c.timedOut(), c.canceled(),
                    c.total(), c.successRate(), c.failureRate(), window.isPartial(local, now)));
        });
        return points;
    }

    /** The failure rate per bucket, for a sparkline (null where no run was rated). */
    static List<Double> sparkline(TimeWindow window, List<RollupReader.Bucket> counted, Instant now) {
        return points(window, counted == null ? List.of() : counted, now).stream().map(Point::failureRate).toList();
    }

    static Responses.Durations durations(RunCounts counts, long sumMs, Long maxMs, Integer[] histogram) {
        long runs = counts.total();
        return new Responses.Durations(runs == 0 ? null : (double) sumMs / runs,
                DurationHistogram.percentile(histogram, 0.50, maxMs),
                DurationHistogram.percentile(histogram, 0.95, maxMs),
                DurationHistogram.percentile(histogram, 0.99, maxMs), maxMs, DurationHistogram.ACCURACY);
    }

    /** Adds histograms element by element. */
    static Integer[] sum(Iterable<Integer[]> histograms) {
        int length = 0;
        for (Integer[] h : histograms) {
            length = Math.max(length, h.length);
        }
        Integer[] total = new Integer[length];
        for (Integer[] h : histograms) {
            for (int i = 0; i < h.length; i++) {
                total[i] = (total[i] == null ? 0 : total[i]) + (h[i] == null ? 0 : h[i]);
            }
        }
        return total;
    }
}
