package io.meshhook.metrics.data.time;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.meshhook.metrics.data.problem.FieldError;

/**
 * The one parser of time ranges: a preset ({@code 1h 24h 7d 30d 90d 365d}, default 7d) or {@code from}/{@code to}
 * (ISO-8601 instants with an offset, or dates meaning local midnight in {@code tz}), an IANA zone (default UTC) and a
 * granularity ({@code auto 15m hour day week}). Errors are collected, never thrown one by one.
 */
public final class RangeParser {

    /** The longest range a query may cover: the rollups are kept 400 days. */
    public static final Duration MAX_RANGE = Duration.ofDays(400);
    /** The most points a series may have when the caller picks the granularity. */
    public static final int MAX_POINTS = 2_000;

    private static final Map<String, Duration> PRESETS = Map.of("1h", Duration.ofHours(1), "24h",
            Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30), "90d", Duration.ofDays(90),
            "365d", Duration.ofDays(365));

    private RangeParser() {
    }

    /** Returns the window, or null after adding errors. {@code now} is the end of preset ranges. */
    public static TimeWindow parse(String range, String from, String to, String tz, String granularity, Instant now,
            List<FieldError> errors) {
        int before = errors.size();
        ZoneId zone = zone(tz, errors);
        Granularity chosen = null;
        if (granularity != null && !granularity.equals("auto")) {
            chosen = Granularity.fromWire(granularity);
            if (chosen == null) {
                errors.add(new FieldError("granularity", "must be one of auto, 15m, hour, day, week"));
            }
        }
        Instant start;
        Instant end;
        String preset = null;
        if (from != null || to != null) {
            if (range != null) {
                errors.add(new FieldError("range", "give either range or from/to, not both"));
            }
            start = instant("from", from, zone, errors);
            end = to == null ? now : instant("to", to, zone, errors);
        } else {
            preset = range == null ? "7d" : range;
            Duration length = PRESETS.get(preset);
            if (length == null) {
                errors.add(new FieldError("range", "must be one of 1h, 24h, 7d, 30d, 90d, 365d"));
                return null;
            }
            start = now.minus(length);
            end = now;
        }
        if (errors.size() > before || start == null || end == null) {
            return null;
        }
        if (!start.isBefore(end)) {
            errors.add(new FieldError("from", "must be before to"));
            return null;
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            errors.add(new FieldError("to", "the range must not exceed 400 days"));
            return null;
        }
        Granularity g = chosen == null ? TimeWindow.auto(Duration.between(start, end)) : chosen;
        TimeWindow window = TimeWindow.aligned(start, end, zone, g, preset);
        if (window.pointCount() > MAX_POINTS) {
            errors.add(new FieldError("granularity",
                    g.wireName() + " gives more than " + MAX_POINTS + " points over this range; choose a coarser one"));
            return null;
        }
        return window;
    }

    private static ZoneId zone(String tz, List<FieldError> errors) {
        if (tz == null) {
            return ZoneId.of("UTC");
        }
        try {
            if (tz.contains("/") || tz.equals("UTC")) {
                return ZoneId.of(tz);
            }
        } catch (DateTimeException e) {
            // reported below
        }
        errors.add(new FieldError("tz", "must be an IANA time zone such as Europe/Berlin or UTC"));
        return ZoneId.of("UTC");
    }

    private static Instant instant(String field, String value, ZoneId zone, List<FieldError> errors) {
        if (value == null) {
            errors.add(new FieldError(field, "is required when the other end is given"));
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // perhaps a date
        }
        try {
            return LocalDate.parse(value).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO-8601 date or timestamp with an offset"));
            return null;
        }
    }
}
