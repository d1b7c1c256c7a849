package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which rollup level each part of a time range is read from. The range is cut at every boundary the answer must
 * keep apart (series buckets in the caller's zone, the start of the current period); between two cuts, a UTC day
 * that fits whole is read from the daily level, a UTC hour that fits whole from the hourly level, and the rest
 * from the 15-minute rollups. Every 15-minute bucket of the range is then read exactly once, from one level,
 * and no row read straddles a cut, so sums per bucket are exact in any zone (Asia/Kathmandu's days are 3
 * quarter-hours, 23 hours and 1 quarter-hour of UTC).
 * <p>
 * An unfiltered query may also read the levels without version and trigger ({@code totals}): where a day that
 * starts at one of the kept day-start minutes (0 = UTC midnight, 1095 = Kathmandu's 18:15 UTC) fits whole between
 * two cuts, it is one row per workflow from the local-day level (tried first, so a Kathmandu day whose start is
 * kept is one row instead of 27 pieces), and its hours are read from the hourly totals.
 */
record RollupPieces(Ranges daily, Ranges hourly, Ranges quarters, Ranges localDays, boolean totals) {

    private static final long QUARTER = 900;
    private static final long HOUR = 3_600;
    private static final long DAY = 86_400;

    /**
     * Contiguous ranges [from, to) of one level, merged, as arrays for SQL; with the day-start minute of each for
     * the local-day level (0 in the others).
     */
    record Ranges(List<Long> from, List<Long> to, List<Short> minutes) {
        private Ranges() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        boolean isEmpty() {
            return from.isEmpty();
        }

        int size() {
            return from.size();
        }

        OffsetDateTime[] fromArray() {
            return from.stream().map(RollupPieces::time).toArray(OffsetDateTime[]::new);
        }

        OffsetDateTime[] toArray() {
            return to.stream().map(RollupPieces::time).toArray(OffsetDateTime[]::new);
        }

        Short[] minutesArray() {
            return minutes.toArray(Short[]::new);
        }

        private void add(long start, long end) {
            add(start, end, 0);
        }

        // epoch seconds while the pieces are worked out (a 365-day range in a zone is hundreds of them), times only
        // for the statement
        private void add(long start, long end, int minute) {
            int last = to.size() - 1;
            if (last >= 0 && to.get(last) == start && minutes.get(last) == minute) {
                to.set(last, end);
            } else {
                from.add(start);
                to.add(end);
                minutes.add((short) minute);
            }
        }
    }

    /** How many ranges the pieces form, over all levels. */
    int rangeCount() {
        return daily.size() + hourly.size() + quarters.size() + localDays.size();
    }

    /** Pieces of [from, to) (both on the 15-minute grain) that never straddle any of the cuts, without local days. */
    static RollupPieces of(Instant from, Instant to, List<Instant> cuts) {
        return of(from, to, cuts, Set.of());
    }

    /**
     * Pieces of [from, to) (both on the 15-minute grain) that never straddle any of the cuts, reading whole days
     * that start at one of {@code localDayStarts} (minutes of the UTC day) from the local-day level, and hours from
     * the hourly totals; with none, the levels with version and trigger only.
     */
    static RollupPieces of(Instant from, Instant to, List<Instant> cuts, Set<Integer> localDayStarts) {
        TreeSet<Long> cutSet = new TreeSet<>();
        cuts.forEach(c -> cutSet.add(c.getEpochSecond()));
        long end = to.getEpochSecond();
        cutSet.add(end);
        Ranges daily = new Ranges();
        Ranges hourly = new Ranges();
        Ranges quarters = new Ranges();
        Ranges localDays = new Ranges();
        long t = from.getEpochSecond();
        while (t < end) {
            long nextCut = cutSet.higher(t);
            int minute = (int) (Math.floorMod(t, DAY) / 60);
            if (localDayStarts.contains(minute) && t + DAY <= nextCut) {
                long stop = t + DAY * ((nextCut - t) / DAY);
                localDays.add(t, stop, minute);
                t = stop;
            } else if (t % DAY == 0 && t + DAY <= nextCut) {
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
        return new RollupPieces(daily, hourly, quarters, localDays, !localDayStarts.isEmpty());
    }

    private static OffsetDateTime time(long epochSecond) {
        return RollupReader.offset(Instant.ofEpochSecond(epochSecond));
    }
}
