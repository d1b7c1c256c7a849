package io.meshhook.metrics.data.time;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The width of a series bucket. Hours, days and weeks are local to the caller's zone (a day starts at local
 * midnight, a week on Monday), so a day may last 23 or 25 hours; 15 minutes is the rollup grain itself.
 */
public enum Granularity {
    FIFTEEN_MINUTES("15m", Duration.ofMinutes(15)), HOUR("hour", Duration.ofHours(1)), DAY("day",
            Duration.ofDays(1)), WEEK("week", Duration.ofDays(7));

    private final String wireName;
    private final Duration nominal;

    Granularity(String wireName, Duration nominal) {
        this.wireName = wireName;
        this.nominal = nominal;
    }

    public String wireName() {
        return wireName;
    }

    /** The {@code date_trunc} field for PostgreSQL, or null for the 15-minute grain (no truncation needed). */
    public String sqlField() {
        return this == FIFTEEN_MINUTES ? null : wireName;
    }

    /** About how long one bucket lasts; used to count points, never to compute boundaries. */
    public Duration nominal() {
        return nominal;
    }

    /** The start of the local bucket that contains the time. */
    public ZonedDateTime floor(ZonedDateTime t) {
        return switch (this) {
            case FIFTEEN_MINUTES -> t.truncatedTo(ChronoUnit.MINUTES).withMinute(t.getMinute() / 15 * 15);
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.toLocalDate().atStartOfDay(t.getZone());
            case WEEK -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay(t.getZone());
        };
    }

    /** The start of the next local bucket. */
    public ZonedDateTime next(ZonedDateTime bucketStart) {
        return switch (this) {
            case FIFTEEN_MINUTES -> bucketStart.plusMinutes(15);
            case HOUR -> bucketStart.plusHours(1);
            case DAY -> bucketStart.toLocalDate().plusDays(1).atStartOfDay(bucketStart.getZone());
            case WEEK -> bucketStart.toLocalDate().plusWeeks(1).atStartOfDay(bucketStart.getZone());
        };
    }

    public static Granularity fromWire(String value) {
        for (Granularity g : values()) {
            if (g.wireName.equals(value)) {
                return g;
            }
        }
        return null;
    }
}
