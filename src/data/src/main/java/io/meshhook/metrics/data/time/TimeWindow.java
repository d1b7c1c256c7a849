package io.meshhook.metrics.data.time;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A time range as the queries use it: widened to whole 15-minute rollup buckets (from rounded down, to rounded
 * up), in the caller's zone, with the series granularity, and the previous period of equal length before it.
 */
public record TimeWindow(Instant from, Instant to, ZoneId zone, Granularity granularity, String preset) {

    static final long GRAIN_SECONDS = 900;

    /** Rounds both ends out to the 15-minute grain that the rollups are counted in. */
    public static TimeWindow aligned(Instant from, Instant to, ZoneId zone, Granularity granularity, String preset) {
        long start = Math.floorDiv(from.getEpochSecond(), GRAIN_SECONDS) * GRAIN_SECONDS;
        return new TimeWindow(Instant.ofEpochSecond(start), ceilToGrain(to), zone, granularity, preset);
    }

    /** The first 15-minute bucket boundary at or after the instant: every bucket that began before it ends there. */
    public static Instant ceilToGrain(Instant t) {
        return Instant.ofEpochSecond(
                -Math.floorDiv(-t.getEpochSecond() - (t.getNano() > 0 ? 1 : 0), GRAIN_SECONDS) * GRAIN_SECONDS);
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    public Instant previousFrom() {
        return from.minus(length());
    }

    /** The starts of the local buckets that overlap the window, oldest first. */
    public List<ZonedDateTime> bucketStarts() {
        List<ZonedDateTime> starts = new ArrayList<>();
        ZonedDateTime end = to.atZone(zone);
        for (ZonedDateTime b = granularity.floor(from.atZone(zone)); b.isBefore(end); b = granularity.next(b)) {
            starts.add(b);
        }
        return starts;
    }

    /** How many points the series will have; bounded by the query parser. */
    public long pointCount() {
        return length().toSeconds() / granularity.nominal().toSeconds() + 1;
    }

    /** The finest granularity that keeps a range under 200 points (a 1-hour range still gets 15-minute points). */
    public static Granularity auto(Duration length) {
        for (Granularity g : Granularity.values()) {
            if (length.toSeconds() / g.nominal().toSeconds() <= 200) {
                return g;
            }
        }
        return Granularity.WEEK;
    }

    /** True when a bucket is cut by the window's edges or still open at {@code now}: its counts are incomplete. */
    public boolean isPartial(ZonedDateTime bucketStart, Instant now) {
        Instant start = bucketStart.toInstant();
        Instant end = granularity.next(bucketStart).toInstant();
        return start.isBefore(from) || end.isAfter(to) || end.isAfter(now);
    }

    /** The same instant in the caller's zone, for responses. */
    public ZonedDateTime local(Instant t) {
        return t.atZone(zone);
    }
}
