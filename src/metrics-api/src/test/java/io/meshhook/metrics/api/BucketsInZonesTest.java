package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.BERLIN;
import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.assertCounts;
import static io.meshhook.metrics.api.MetricsApi.assertRate;
import static io.meshhook.metrics.api.MetricsApi.time;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.api.MetricsApi.Counts;
import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.api.RecordedRuns.Run;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Series buckets in the caller's zone: days and weeks start at local midnight (weeks on Monday) across DST changes
 * and in half-hour and 45-minute zones; hours are local hours; edge and current buckets are flagged partial; auto
 * granularity. Runs are placed on both sides of each boundary; expected buckets come from java.time here.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class BucketsInZonesTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    @Inject
    OutcomeRecorder recorder;

    @Test
    void shouldCountBerlinsLast25HourDayInOneBucketFromLocalMidnight() {
        assertDays(BERLIN, lastDstChange(BERLIN, false), 25, "+02:00", "+01:00");
    }

    @Test
    void shouldCountBerlinsLast23HourDayInOneBucketFromLocalMidnight() {
        assertDays(BERLIN, lastDstChange(BERLIN, true), 23, "+01:00", "+02:00");
    }

    @Test
    void shouldCountNewYorksLast25HourDayInOneBucketFromLocalMidnight() {
        assertDays(NEW_YORK, lastDstChange(NEW_YORK, false), 25, "-04:00", "-05:00");
    }

    @Test
    void shouldCountNewYorksLast23HourDayInOneBucketFromLocalMidnight() {
        assertDays(NEW_YORK, lastDstChange(NEW_YORK, true), 23, "-05:00", "-04:00");
    }

    @Test
    void shouldStartDaysAtLocalMidnightInQuarterAndHalfHourZones() {
        assertDays(KATHMANDU, LocalDate.now(KATHMANDU).minusDays(3), 24, "+05:45", "+05:45");
        assertDays(KOLKATA, LocalDate.now(KOLKATA).minusDays(3), 24, "+05:30", "+05:30");
    }

    @Test
    void shouldGiveEachLocalHourOfDstChangeDaysItsOwnBucket() {
        assertHours(BERLIN, lastDstChange(BERLIN, false), 25);
        assertHours(BERLIN, lastDstChange(BERLIN, true), 23);
        assertHours(NEW_YORK, lastDstChange(NEW_YORK, false), 25);
        assertHours(NEW_YORK, lastDstChange(NEW_YORK, true), 23);
    }

    @Test
    void shouldStartHoursAtLocalWholeHoursInQuarterAndHalfHourZones() {
        assertHours(KATHMANDU, LocalDate.now(KATHMANDU).minusDays(2), 24);
        assertHours(KOLKATA, LocalDate.now(KOLKATA).minusDays(2), 24);
    }

    @Test
    void shouldStartWeeksOnMondayAtLocalMidnightAcrossDstChanges() {
        assertWeeks(BERLIN, lastDstChange(BERLIN, false), "+02:00", "+01:00");
        assertWeeks(NEW_YORK, lastDstChange(NEW_YORK, true), "-05:00", "-04:00");
        assertWeeks(KATHMANDU, LocalDate.now(KATHMANDU).minusDays(10), "+05:45", "+05:45");
    }

    @Test
    void shouldCountEachKathmanduDayExactlyWhenManyWorkflowsAreReadPerProjectOverManyRanges() {
        // 20 workflows and 30 local days: the levels are read once per project and range (LEVELS_BY_PROJECT)
        Tenant tenant = Tenant.create();
        LocalDate first = LocalDate.now(KATHMANDU).minusDays(31);
        List<Run> runs = new java.util.ArrayList<>();
        for (int w = 0; w < 20; w++) {
            Flow flow = tenant.flow("kathmandu-" + w);
            for (int d = 0; d < 30; d += 1 + w % 3) {
                ZonedDateTime midnight = first.plusDays(d).atStartOfDay(KATHMANDU);
                runs.add(flow.run("failed", midnight.minusMinutes(1).toInstant()));
                runs.add(flow.run("succeeded", midnight.toInstant()));
                runs.add(flow.run(w % 2 == 0 ? "timed_out" : "succeeded", midnight.plusMinutes(50).toInstant()));
                runs.add(flow.run("succeeded", midnight.plusHours(12).toInstant()));
            }
        }
        new RecordedRuns(recorder).add(runs).record();
        ZonedDateTime from = first.atStartOfDay(KATHMANDU);
        ZonedDateTime to = first.plusDays(30).atStartOfDay(KATHMANDU);

        JsonNode body = tenant.ok(SUMMARY, "from", from.toOffsetDateTime(), "to", to.toOffsetDateTime(), "tz",
                KATHMANDU.getId(), "granularity", "day", "limit", "50");

        JsonNode series = body.at("/aggregate/series");
        assertThat(series).hasSize(30);
        for (int i = 0; i < 30; i++) {
            LocalDate d = first.plusDays(i);
            assertCounts(series.get(i), Counts.of(runs.stream().filter(r -> r.within(from.toInstant(),
                    to.toInstant()) && r.finishedAt().atZone(KATHMANDU).toLocalDate().equals(d)).toList()));
        }
        assertCounts(body.at("/aggregate/counts"), Counts.in(runs, from.toInstant(), to.toInstant()));
        assertThat(body.at("/workflows")).hasSize(20);
    }

    @Test
    void shouldFlagBucketsCutByTheRangeAsPartialAndCountOnlyRunsInside() {
        Tenant tenant = Tenant.create();
        Flow flow = tenant.flow("cut-days");
        LocalDate day = LocalDate.now(KOLKATA).minusDays(5);
        ZonedDateTime from = day.atTime(12, 0).atZone(KOLKATA);
        ZonedDateTime to = day.plusDays(2).atTime(6, 0).atZone(KOLKATA);
        List<Run> runs = List.of(flow.run("failed", from.minusMinutes(1).toInstant()),
                flow.run("succeeded", from.toInstant()), flow.run("succeeded", day.plusDays(1).atTime(9, 0)
                        .atZone(KOLKATA).toInstant()),
                flow.run("timed_out", to.minusSeconds(1).toInstant()), flow.run("failed", to.toInstant()));
        new RecordedRuns(recorder).add(runs).record();

        JsonNode body = tenant.ok(SUMMARY, "from", from.toOffsetDateTime(), "to", to.toInstant(), "tz",
                KOLKATA.getId(), "granularity", "day");

        JsonNode series = body.at("/aggregate/series");
        assertThat(series).hasSize(3);
        for (int i = 0; i < 3; i++) {
            LocalDate d = day.plusDays(i);
            assertThat(time(series.get(i).get("start"))).isEqualTo(d.atStartOfDay(KOLKATA).toOffsetDateTime());
            assertThat(series.get(i).get("partial").asBoolean()).as("day %s", d).isEqualTo(i != 1);
            assertCounts(series.get(i), Counts.of(runs.stream().filter(r -> r.within(from.toInstant(),
                    to.toInstant()) && r.finishedAt().atZone(KOLKATA).toLocalDate().equals(d)).toList()));
        }
        assertCounts(body.at("/aggregate/counts"), Counts.in(runs, from.toInstant(), to.toInstant()));
        assertThat(time(body.at("/range/from"))).isEqualTo(from.toOffsetDateTime());
        assertThat(time(body.at("/range/to"))).isEqualTo(to.toOffsetDateTime());
    }

    @Test
    void shouldPickTheFinestGranularityWithAtMost200PointsForEachPreset() {
        Tenant tenant = Tenant.create();
        Instant recent = Instant.now().minusSeconds(60);
        new RecordedRuns(recorder).add(tenant.flow("recent-run").run("succeeded", recent)).record();
        Map<String, Duration> presets = new LinkedHashMap<>();
        presets.put("1h", Duration.ofHours(1));
        presets.put("24h", Duration.ofHours(24));
        presets.put("7d", Duration.ofDays(7));
        presets.put("30d", Duration.ofDays(30));
        presets.put("90d", Duration.ofDays(90));
        presets.put("365d", Duration.ofDays(365));
        Map<String, Duration> widths = new LinkedHashMap<>();
        widths.put("15m", Duration.ofMinutes(15));
        widths.put("hour", Duration.ofHours(1));
        widths.put("day", Duration.ofDays(1));
        widths.put("week", Duration.ofDays(7));

        presets.forEach((preset, length) -> {
            String expected = widths.entrySet().stream()
                    .filter(w -> length.toSeconds() / w.getValue().toSeconds() <= 200).findFirst().orElseThrow()
                    .getKey();
            Instant before = Instant.now();
            JsonNode body = tenant.ok(SUMMARY, "range", preset, "tz", BERLIN.getId());
            Instant after = Instant.now();

            assertThat(body.at("/range/granularity").asText()).as(preset).isEqualTo(expected);
            assertThat(body.at("/range/preset").asText()).isEqualTo(preset);
            assertThat(body.at("/range/timeZone").asText()).isEqualTo(BERLIN.getId());
            Instant from = time(body.at("/range/from")).toInstant();
            Instant to = time(body.at("/range/to")).toInstant();
            assertThat(from).isBetween(floor15(before.minus(length)), floor15(after.minus(length)));
            assertThat(to).isBetween(ceil15(before), ceil15(after));
            assertThat(time(body.at("/range/from")).getOffset()).isEqualTo(BERLIN.getRules().getOffset(from));

            List<ZonedDateTime> starts = localBuckets(expected, from.atZone(BERLIN), to);
            JsonNode series = body.at("/aggregate/series");
            assertThat(series).as(preset).hasSize(starts.size());
            for (int i = 0; i < starts.size(); i++) {
                ZonedDateTime start = starts.get(i);
                Instant end = next(expected, start).toInstant();
                JsonNode point = series.get(i);
                assertThat(time(point.get("start"))).isEqualTo(start.toOffsetDateTime());
                boolean cut = start.toInstant().isBefore(from) || end.isAfter(to);
                boolean endedDuringTheCall = end.isAfter(before) && !end.isAfter(after);
                if (!endedDuringTheCall) {
                    // partial when cut by the range or still in progress at the server's now
                    assertThat(point.get("partial").asBoolean()).as("%s bucket %s", preset, start)
                            .isEqualTo(cut || end.isAfter(after));
                }
            }
            assertThat(series.get(series.size() - 1).get("partial").asBoolean()).as("current bucket").isTrue();
            assertThat(Counts.ofSeries(series)).isEqualTo(new Counts(1, 0, 0, 0));
        });
    }

    /** Runs on both sides of the day's two midnights and in every one of its hours; buckets D-1, D, D+1. */
    private void assertDays(ZoneId zone, LocalDate day, int hours, String offsetAtStart, String offsetAtEnd) {
        ZonedDateTime start = day.atStartOfDay(zone);
        ZonedDateTime end = day.plusDays(1).atStartOfDay(zone);
        assertThat(Duration.between(start, end).toHours()).as("hours of %s in %s", day, zone).isEqualTo(hours);
        assertThat(start.getOffset()).isEqualTo(ZoneOffset.of(offsetAtStart));
        assertThat(end.getOffset()).isEqualTo(ZoneOffset.of(offsetAtEnd));
        Tenant tenant = Tenant.create();
        List<Run> runs = aroundAndThrough(tenant.flow("days-" + zone.getId().toLowerCase().replace('/', '-')), start,
                end);
        new RecordedRuns(recorder).add(runs).record();

        JsonNode body = tenant.ok(SUMMARY, "from", day.minusDays(1), "to", day.plusDays(2), "tz", zone.getId(),
                "granularity", "day");

        assertThat(body.at("/range/granularity").asText()).isEqualTo("day");
        assertThat(body.at("/range/timeZone").asText()).isEqualTo(zone.getId());
        assertThat(time(body.at("/range/from"))).isEqualTo(day.minusDays(1).atStartOfDay(zone).toOffsetDateTime());
        JsonNode series = body.at("/aggregate/series");
        JsonNode sparkline = body.at("/workflows/0/sparkline");
        assertThat(series).hasSize(3);
        assertThat(sparkline).hasSize(3);
        for (int i = 0; i < 3; i++) {
            LocalDate d = day.minusDays(1).plusDays(i);
            Counts expected = Counts.of(runs.stream()
                    .filter(r -> r.finishedAt().atZone(zone).toLocalDate().equals(d)).toList());
            JsonNode point = series.get(i);
            assertThat(time(point.get("start"))).as("start of %s", d)
                    .isEqualTo(OffsetDateTime.of(d, LocalTime.MIDNIGHT, zone.getRules()
                            .getOffset(d.atStartOfDay(zone).toInstant())));
            assertCounts(point, expected);
            assertThat(point.get("partial").asBoolean()).isFalse();
            assertRate(sparkline.get(i), expected.failureRate());
        }
        assertThat(series.get(1).get("total").asLong()).as("the day's own runs").isEqualTo(hours + 2);
        assertThat(time(series.get(1).get("start")).getOffset()).isEqualTo(ZoneOffset.of(offsetAtStart));
        assertThat(time(series.get(2).get("start")).getOffset()).isEqualTo(ZoneOffset.of(offsetAtEnd));
    }

    /** One bucket per local hour of the day, each with its own offset; the runs at the edges in the first and last. */
    private void assertHours(ZoneId zone, LocalDate day, int hours) {
        ZonedDateTime start = day.atStartOfDay(zone);
        ZonedDateTime end = day.plusDays(1).atStartOfDay(zone);
        Tenant tenant = Tenant.create();
        List<Run> runs = aroundAndThrough(tenant.flow("hours"), start, end);
        new RecordedRuns(recorder).add(runs).record();

        JsonNode body = tenant.ok(SUMMARY, "from", start.toInstant(), "to", end.toInstant(), "tz", zone.getId(),
                "granularity", "hour");

        JsonNode series = body.at("/aggregate/series");
        assertThat(series).as("hours of %s in %s", day, zone).hasSize(hours);
        for (int i = 0; i < hours; i++) {
            Instant hourStart = start.toInstant().plus(Duration.ofHours(i));
            Instant hourEnd = hourStart.plus(Duration.ofHours(1));
            OffsetDateTime local = hourStart.atZone(zone).toOffsetDateTime();
            JsonNode point = series.get(i);
            assertThat(time(point.get("start"))).isEqualTo(local);
            assertThat(local.getMinute()).isZero();
            assertCounts(point, Counts.of(runs.stream().filter(r -> r.within(hourStart, hourEnd)).toList()));
            assertThat(point.get("total").asLong()).isEqualTo(i == 0 || i == hours - 1 ? 2 : 1);
        }
        assertCounts(body.at("/workflows/0/counts"), Counts.in(runs, start.toInstant(), end.toInstant()));
    }

    /** Runs on the last second of a week and the first of the next; Monday-midnight buckets around the day. */
    private void assertWeeks(ZoneId zone, LocalDate day, String offsetOfFirstMonday, String offsetOfNextMonday) {
        LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        Tenant tenant = Tenant.create();
        Flow flow = tenant.flow("weeks");
        List<Run> runs = new ArrayList<>();
        for (LocalDate m = monday; !m.isAfter(monday.plusWeeks(1)); m = m.plusWeeks(1)) {
            Instant weekStart = m.atStartOfDay(zone).toInstant();
            runs.add(flow.run("failed", weekStart.minusSeconds(1)));
            runs.add(flow.run("succeeded", weekStart));
            runs.add(flow.run("canceled", weekStart.plus(Duration.ofDays(3))));
        }
        runs.add(flow.run("timed_out", day.atTime(23, 59, 59).atZone(zone).toInstant()));
        runs.removeIf(r -> r.finishedAt().isAfter(Instant.now()));
        new RecordedRuns(recorder).add(runs).record();

        JsonNode body = tenant.ok(SUMMARY, "from", monday.minusWeeks(1), "to", monday.plusWeeks(2), "tz",
                zone.getId(), "granularity", "week");

        JsonNode series = body.at("/aggregate/series");
        assertThat(series).hasSize(3);
        for (int i = 0; i < 3; i++) {
            LocalDate weekStart = monday.minusWeeks(1).plusWeeks(i);
            JsonNode point = series.get(i);
            assertThat(time(point.get("start"))).isEqualTo(weekStart.atStartOfDay(zone).toOffsetDateTime());
            assertThat(time(point.get("start")).getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
            assertCounts(point, Counts.of(runs.stream().filter(r -> r.finishedAt().atZone(zone).toLocalDate()
                    .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).equals(weekStart)).toList()));
        }
        assertThat(time(series.get(1).get("start")).getOffset()).isEqualTo(ZoneOffset.of(offsetOfFirstMonday));
        assertThat(time(series.get(2).get("start")).getOffset()).isEqualTo(ZoneOffset.of(offsetOfNextMonday));
    }

    /**
     * A failed run in the last second before the start, a timed-out one at the start, a success in the middle of
     * every hour in between, a canceled one in the last second before the end and a failed one at the end.
     */
    private static List<Run> aroundAndThrough(Flow flow, ZonedDateTime start, ZonedDateTime end) {
        List<Run> runs = new ArrayList<>();
        runs.add(flow.run("failed", start.toInstant().minusSeconds(1)));
        runs.add(flow.run("timed_out", start.toInstant()));
        for (Instant h = start.toInstant(); h.isBefore(end.toInstant()); h = h.plus(Duration.ofHours(1))) {
            runs.add(flow.run("succeeded", h.plus(Duration.ofMinutes(30))));
        }
        runs.add(flow.run("canceled", end.toInstant().minusSeconds(1)));
        runs.add(flow.run("failed", end.toInstant()));
        return runs;
    }

    /** The local date of the zone's latest DST change (spring forward when gap) at least two days ago. */
    private static LocalDate lastDstChange(ZoneId zone, boolean gap) {
        Instant t = Instant.now().minus(Duration.ofDays(2));
        while (true) {
            ZoneOffsetTransition change = zone.getRules().previousTransition(t);
            if (change.isGap() == gap) {
                return change.getDateTimeBefore().toLocalDate();
            }
            t = change.getInstant();
        }
    }

    private static List<ZonedDateTime> localBuckets(String granularity, ZonedDateTime from, Instant to) {
        ZonedDateTime first = switch (granularity) {
            case "15m" -> from.truncatedTo(ChronoUnit.HOURS).plusMinutes(from.getMinute() / 15 * 15);
            case "hour" -> from.truncatedTo(ChronoUnit.HOURS);
            case "day" -> from.toLocalDate().atStartOfDay(from.getZone());
            default -> from.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                    .atStartOfDay(from.getZone());
        };
        List<ZonedDateTime> starts = new ArrayList<>();
        for (ZonedDateTime b = first; b.toInstant().isBefore(to); b = next(granularity, b)) {
            starts.add(b);
        }
        return starts;
    }

    private static ZonedDateTime next(String granularity, ZonedDateTime start) {
        Function<LocalDate, ZonedDateTime> midnight = d -> d.atStartOfDay(start.getZone());
        return switch (granularity) {
            case "15m" -> start.plusMinutes(15);
            case "hour" -> start.plusHours(1);
            case "day" -> midnight.apply(start.toLocalDate().plusDays(1));
            default -> midnight.apply(start.toLocalDate().plusWeeks(1));
        };
    }

    private static Instant floor15(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond() / 900 * 900);
    }

    private static Instant ceil15(Instant t) {
        Instant floor = floor15(t);
        return floor.equals(t) ? t : floor.plusSeconds(900);
    }
}
