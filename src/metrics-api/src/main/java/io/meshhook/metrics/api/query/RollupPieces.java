package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which rollup level each part of a time range is read from. The range is cut at every boundary the answer must
 * keep apart (series buckets in the caller's zone, the start of the current period); between two cuts, a UTC day
 * that fits whole is read from the daily level, a UTC hour that fits whole from the hourly level, and the rest
 * from the 15-minute rollups. Every 15-minute bucket of the range is then read exactly once, from one level,
 * and no row read straddles a cut, so sums per bucket are exact in any zone (Asia/Kathmandu's days are 3
 * quarter-hours, 23 hours and 1 quarter-hour of UTC).
 */
record RollupPieces(Ranges daily, Ranges hourly, Ranges quarters) {

    private static final long QUARTER = 900;
    private static final long HOUR = 3_600;
    private static final long DAY = 86_400;

    /** Contiguous ranges [from, to) of one level, merged, as two arrays for SQL. */
    record Ranges(List<OffsetDateTime> from, List<OffsetDateTime> to) {
        OffsetDateTime[] fromArray() {
            return from.toArray(OffsetDateTime[]::new);
        }

        OffsetDateTime[] toArray() {
            return to.toArray(OffsetDateTime[]::new);
        }

        private void add(long start, long end) {
            int last = to.size() - 1;
            if (last >= 0 && to.get(last).toEpochSecond() == start) {
                to.set(last, time(end));
            } else {
                from.add(time(start));
                to.add(time(end));
            }
        }
    }

    /** How many ranges the pieces form, over all levels. */
    int rangeCount() {
        return daily.from().size() + hourly.from().size() + quarters.from().size();
    }

    /** Pieces of [from, to) (both on the 15-minute grain) that never straddle any of the cuts. */
    static RollupPieces of(Instant from, Instant to, List<Instant> cuts) {
        TreeSet<Long> cutSet = new TreeSet<>();
        cuts.forEach(c -> cutSet.add(c.getEpochSecond()));
        long end = to.getEpochSecond();
        cutSet.add(end);
        Ranges daily = new Ranges(new ArrayList<>(), new ArrayList<>());
        Ranges hourly = new Ranges(new ArrayList<>(), new ArrayList<>());
        Ranges quarters = new Ranges(new ArrayList<>(), new ArrayList<>());
        long t = from.getEpochSecond();
        while (t < end) {
            long nextCut = cutSet.higher(t);
            if (t % DAY == 0 && t + DAY <= nextCut) {
                long stop = t + DAY * ((nextCut - t) / DAY);
                daily.add(t, stop);
                t = stop;
            } else if (t % HOUR == 0 && t + HOUR <= nextCut) {
                long stop = Math.min(t + HOUR * ((nextCut - t) / HOUR), Math.floorDiv(t, DAY) * DAY + DAY);
                hourly.add(t, stop);
                t = stop;
            } else {
                long stop = Math.min(Math.floorDiv(t, HOUR) * HOUR + HOUR, nextCut);
                stop = Math.max(stop, t + QUARTER);
                quarters.add(t, stop);
                t = stop;
            }
        }
        return new RollupPieces(daily, hourly, quarters);
    }

    private static OffsetDateTime time(long epochSecond) {
        return RollupReader.offset(Instant.ofEpochSecond(epochSecond));
    }
}
