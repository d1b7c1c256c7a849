package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.meshhook.metrics.api.query.Responses.Point;
import io.meshhook.metrics.data.rates.DurationHistogram;
import io.meshhook.metrics.data.rates.RunCounts;
import io.meshhook.metrics.data.time.Granularity;
import io.meshhook.metrics.data.time.TimeWindow;

/** Turns counted buckets into a complete series: every local bucket of the window, empty ones at zero. */
final class Series {

    private Series() {
    }

    /**
     * The local buckets of a window, worked out once per answer and shared by each of its series: a 365-day summary
     * in Asia/Kathmandu draws 51 series of 366 days, and working out each day's start, local time and whether it is
     * partial per series (zone rules, three times a point) was a fifth of the request's time.
     */
    static final class Frame {
        private final long[] starts;
        private final OffsetDateTime[] local;
        private final boolean[] partial;

        private Frame(long[] starts, OffsetDateTime[] local, boolean[] partial) {
            this.starts = starts;
            this.local = local;
            this.partial = partial;
        }

        /** How many local buckets the window has. */
        int size() {
            return starts.length;
        }

        /** The start of bucket {@code i}, in epoch seconds. */
        long start(int i) {
            return starts[i];
        }

        /** The bucket a time (epoch seconds) falls in: the last local bucket starting at or before it. */
        int bucketOf(long epochSecond) {
            int i = Arrays.binarySearch(starts, epochSecond);
            return i >= 0 ? i : Math.max(0, -i - 2);
        }

        /**
         * {@link #bucketOf(long)}, trying {@code hint} (the bucket of the row before) and the one after it first:
         * rows mostly come in time order, one or a few to a bucket.
         */
        int bucketOf(long epochSecond, int hint) {
            if (hint >= 0 && hint < starts.length && starts[hint] <= epochSecond) {
                if (hint + 1 == starts.length || epochSecond < starts[hint + 1]) {
                    return hint;
                }
                if (hint + 2 == starts.length || epochSecond < starts[hint + 2]) {
                    return hint + 1;
                }
            }
            return bucketOf(epochSecond);
        }
    }

    static Frame frame(TimeWindow window, Instant now) {
        Granularity g = window.granularity();
        if (g == Granularity.HOUR || g == Granularity.FIFTEEN_MINUTES) {
            return steps(window, now, g.nominal().toSeconds());
        }
        List<ZonedDateTime> buckets = window.bucketStarts();
        long[] starts = new long[buckets.size()];
        OffsetDateTime[] local = new OffsetDateTime[buckets.size()];
        boolean[] partial = new boolean[buckets.size()];
        for (int i = 0; i < starts.length; i++) {
            ZonedDateTime b = buckets.get(i);
            starts[i] = b.toEpochSecond();
            local[i] = b.toOffsetDateTime();
            partial[i] = window.isPartial(b, now);
        }
        return new Frame(starts, local, partial);
    }

    /**
     * Hours and quarter-hours: after the first local bucket start, every next one is a fixed step later on the
     * instant time-line (as {@code ZonedDateTime.plusHours} counts, across DST changes too), so they are worked out
     * in epoch seconds instead of a ZonedDateTime each (720 of them for a 30-day hourly trend, twice over).
     */
    private static Frame steps(TimeWindow window, Instant now, long step) {
        ZoneId zone = window.zone();
        long first = window.granularity().floor(window.from().atZone(zone)).toEpochSecond();
        long end = window.to().getEpochSecond();
        long from = window.from().getEpochSecond();
        long nowSecond = now.getEpochSecond(); // a bucket's end is a whole second: end > now <=> end > nowSecond
        int size = (int) Math.max(0, (end - first + step - 1) / step);
        long[] starts = new long[size];
        OffsetDateTime[] local = new OffsetDateTime[size];
        boolean[] partial = new boolean[size];
        ZoneRules rules = zone.getRules();
        ZoneOffset fixed = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH) : null;
        for (int i = 0; i < size; i++) {
            long start = first + i * step;
            starts[i] = start;
            ZoneOffset offset = fixed != null ? fixed : rules.getOffset(Instant.ofEpochSecond(start));
            // not OffsetDateTime.ofInstant: it asks the offset for its rules, a new ZoneRules object each time
            local[i] = OffsetDateTime.of(LocalDateTime.ofEpochSecond(start, 0, offset), offset);
            partial[i] = start < from || start + step > end || start + step > nowSecond;
        }
        return new Frame(starts, local, partial);
    }

    static List<Point> points(Frame frame, List<RollupReader.Bucket> counted) {
        RunCounts[] sums = new RunCounts[frame.starts.length];
        Arrays.fill(sums, RunCounts.NONE);
        int bucket = 0;
        for (RollupReader.Bucket b : counted) {
            // PostgreSQL and java.time agree on local bucket starts; floor again so an odd zone rule cannot lose runs
            bucket = frame.bucketOf(b.start().getEpochSecond(), bucket);
            sums[bucket] = sums[bucket].plus(b.counts());
        }
        List<Point> points = new ArrayList<>(sums.length);
        for (int i = 0; i < sums.length; i++) {
            RunCounts c = sums[i];
            points.add(new Point(frame.local[i], c.succeeded(), c.failed(), c.timedOut(), c.canceled(), c.total(),
                    c.successRate(), c.failureRate(), frame.partial[i]));
        }
        return points;
    }

    /** The failure rate per bucket, for a sparkline (null where no run was rated). */
    static List<Double> sparkline(Frame frame, List<RollupReader.Bucket> counted) {
        return points(frame, counted == null ? List.of() : counted).stream().map(Point::failureRate).toList();
    }

    static Responses.Durations durations(RunCounts counts, long sumMs, Long maxMs, Integer[] histogram) {
        long runs = counts.total();
        return new Responses.Durations(runs == 0 ? null : (double) sumMs / runs,
                DurationHistogram.percentile(histogram, 0.50, maxMs),
                DurationHistogram.percentile(histogram, 0.95, maxMs),
                DurationHistogram.percentile(histogram, 0.99, maxMs), maxMs, DurationHistogram.ACCURACY);
    }
}
