package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.WORKFLOW;
import static io.meshhook.metrics.api.MetricsApi.assertCounts;
import static io.meshhook.metrics.api.MetricsApi.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.api.MetricsApi.Counts;
import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.api.RecordedRuns.Run;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The levels without version and trigger (V7). The hourly totals: an unfiltered hourly trend is read from them
 * and a trigger-filtered one is not. The local-day level: once a zone's day start is kept, an unfiltered day series in that zone is read from one
 * row per workflow and day, and answers exactly what the hourly and 15-minute pieces answered before; runs recorded
 * afterwards are written into it by the record statement; a query filtered by trigger never reads it. Keeping a
 * zone is global to the database, so this class keeps Asia/Kathmandu for the tests that run after it too.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class LocalDaysTest {

    private static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");

    @Inject
    OutcomeRecorder recorder;

    @Test
    void shouldAnswerKathmanduDaysFromItsLocalDaysAsExactlyAsFromHoursAndQuarters() {
        TestDatabase db = DatabaseResource.database();
        Tenant tenant = Tenant.create();
        LocalDate first = LocalDate.now(KATHMANDU).minusDays(12);
        ZonedDateTime from = first.atStartOfDay(KATHMANDU);
        ZonedDateTime to = first.plusDays(10).atStartOfDay(KATHMANDU);
        List<Flow> flows = List.of(tenant.flow("orders"), tenant.flow("refunds"), tenant.flow("orders").nextVersion());
        List<Run> runs = new ArrayList<>(aroundMidnights(flows, first, 0, 6));
        new RecordedRuns(recorder).add(runs).record();
        db.execute("select run_metrics_drop_local_days(1095::smallint)"); // another test class may have kept it
        JsonNode fromPieces = days(tenant, SUMMARY, from, to);
        assertDays(fromPieces, runs, first);

        List<Integer> added = db.query("select run_metrics_keep_local_days('Asia/Kathmandu') as m").stream()
                .map(r -> ((Number) r.get("m")).intValue()).toList();

        assertThat(added).containsExactly(1095);
        JsonNode fromLocalDays = days(tenant, SUMMARY, from, to);
        assertThat(fromLocalDays.at("/aggregate")).isEqualTo(fromPieces.at("/aggregate"));
        assertThat(fromLocalDays.at("/workflows")).isEqualTo(fromPieces.at("/workflows"));
        assertThat(db.query("select run_metrics_keep_local_days('Asia/Kathmandu')")).as("kept already").isEmpty();

        // recorded after: written into the level by the record statement, late arrivals for earlier days included
        List<Run> later = aroundMidnights(flows, first, 3, 10);
        new RecordedRuns(recorder).add(later).record();
        runs.addAll(later);
        assertDays(days(tenant, SUMMARY, from, to), runs, first);

        // the answer is read from the level: a change to its rows alone shows, and the filtered query ignores it
        long touched = db.scalar("with t as (update workflow_run_rollups_local_daily set succeeded = succeeded + 1000"
                + " where project_id = ? and start_minute = 1095 and bucket_start >= ? and bucket_start < ?"
                + " returning 1) select count(*) from t", tenant.project(), from.toOffsetDateTime(),
                to.toOffsetDateTime());
        assertThat(touched).isGreaterThanOrEqualTo(10);
        Counts expected = Counts.in(runs, from.toInstant(), to.toInstant());
        assertThat(days(tenant, SUMMARY, from, to).at("/aggregate/counts/succeeded").asLong())
                .isEqualTo(expected.succeeded() + 1000 * touched);
        JsonNode webhookOnly = tenant.ok(SUMMARY, "from", from.toOffsetDateTime(), "to", to.toOffsetDateTime(),
                "tz", KATHMANDU.getId(), "granularity", "day", "trigger", "webhook");
        assertCounts(webhookOnly.at("/aggregate/counts"), Counts.of(runs.stream()
                .filter(r -> r.trigger().equals("webhook") && r.within(from.toInstant(), to.toInstant())).toList()));

        // reconcile finds each changed row and repairs it from the 15-minute rollups
        assertThat(db.scalar("select count(*) from run_metrics_reconcile_totals(interval '400 days', true)"
                + " where project_id = ?", tenant.project())).isEqualTo(touched);
        assertThat(db.scalar("select count(*) from run_metrics_reconcile_totals(interval '400 days', false)"
                + " where project_id = ?", tenant.project())).isZero();
        assertDays(days(tenant, SUMMARY, from, to), runs, first);
    }

    @Test
    void shouldAnswerAnUnfilteredHourlyTrendFromTheHourlyTotalsAndAFilteredOneFromTheHourlyRollups() {
        TestDatabase db = DatabaseResource.database();
        Tenant tenant = Tenant.create();
        Flow v1 = tenant.flow("hourly-totals");
        Flow v2 = v1.nextVersion();
        Instant from = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.HOURS);
        Instant to = from.plus(Duration.ofHours(6));
        List<Run> runs = new ArrayList<>();
        for (int h = 0; h < 6; h++) {
            Instant hour = from.plus(Duration.ofHours(h));
            runs.add(v1.run("succeeded", hour.plusSeconds(60)));
            runs.add(v2.run("failed", hour.plusSeconds(1_800)).trigger("schedule"));
            runs.add(v2.run("succeeded", hour.plusSeconds(3_599)).trigger("manual"));
            runs.add(v1.run("failed", hour.plusSeconds(900)).trigger("test"));
        }
        new RecordedRuns(recorder).add(runs).record();

        JsonNode body = hours(tenant, v1, from, to);
        assertHours(body, runs, from, 0);

        // the unfiltered answer is read from the totals: a change to one of their rows shows there alone
        db.execute("update workflow_run_rollups_hourly_totals set failed = failed + 7 where project_id = ?"
                + " and workflow_slug = ? and bucket_start = ?", tenant.project(), v1.slug(),
                from.plus(Duration.ofHours(2)).atOffset(ZoneOffset.UTC));
        assertHours(hours(tenant, v1, from, to), runs, from, 7);
        JsonNode filtered = tenant.ok(WORKFLOW + v1.id(), "from", from, "to", to, "granularity", "hour", "trigger",
                "webhook,schedule,manual,replay");
        assertThat(filtered.at("/series/2/failed").asLong()).as("the same triggers asked for by name are unfiltered")
                .isEqualTo(1 + 7);
        JsonNode webhookAndSchedule = tenant.ok(WORKFLOW + v1.id(), "from", from, "to", to, "granularity", "hour",
                "trigger", "webhook,schedule");
        assertThat(webhookAndSchedule.at("/series/2/failed").asLong()).as("read from the hourly rollups").isEqualTo(1);

        assertThat(db.query("select kind from run_metrics_reconcile_totals(interval '400 days', true)"
                + " where project_id = ?", tenant.project())).extracting(r -> r.get("kind"))
                .containsExactly("rollup hourly total");
        assertHours(hours(tenant, v1, from, to), runs, from, 0);
    }

    /**
     * A detail of a workflow asked for before reads its rows at once, with the day starts kept at the last detail
     * (MetricsService's hint), and answers only if the statements beside them still find those: once Kathmandu's day
     * start is dropped (its local days deleted), the next detail of the same workflow answers the same days from
     * the hours and quarters, not from the deleted rows. And the hint grants nothing: another tenant asking for the
     * workflow gets the 404 of a workflow that does not exist, before and after its owner.
     */
    @Test
    void shouldAnswerADetailAsBeforeAfterItsZonesDayStartIsDroppedAndHideItFromOtherTenants() {
        TestDatabase db = DatabaseResource.database();
        Tenant tenant = Tenant.create();
        Flow flow = tenant.flow("detail-days");
        LocalDate first = LocalDate.now(KATHMANDU).minusDays(12);
        ZonedDateTime from = first.atStartOfDay(KATHMANDU);
        ZonedDateTime to = first.plusDays(10).atStartOfDay(KATHMANDU);
        List<Run> runs = aroundMidnights(List.of(flow), first, 0, 10);
        new RecordedRuns(recorder).add(runs).record();
        db.query("select run_metrics_keep_local_days('Asia/Kathmandu')");
        Tenant other = Tenant.create();
        MetricsApi.problem(other.get(WORKFLOW + flow.id(), "range", "30d"), 404);

        JsonNode fromLocalDays = days(tenant, WORKFLOW + flow.id(), from, to);
        assertTenDays(fromLocalDays.at("/series"), runs, first);
        db.execute("select run_metrics_drop_local_days(1095::smallint)");
        JsonNode afterDrop = days(tenant, WORKFLOW + flow.id(), from, to);

        assertTenDays(afterDrop.at("/series"), runs, first);
        assertThat(afterDrop.at("/series")).isEqualTo(fromLocalDays.at("/series"));
        MetricsApi.problem(other.get(WORKFLOW + flow.id(), "range", "30d"), 404);
        db.query("select run_metrics_keep_local_days('Asia/Kathmandu')"); // kept for the tests after this one
        assertTenDays(days(tenant, WORKFLOW + flow.id(), from, to).at("/series"), runs, first);
    }

    private static JsonNode hours(Tenant tenant, Flow flow, Instant from, Instant to) {
        return tenant.ok(WORKFLOW + flow.id(), "from", from, "to", to, "granularity", "hour");
    }

    /** Six hourly points with the counted runs of each (every trigger but test); {@code extraFailed} more in hour 2. */
    private static void assertHours(JsonNode body, List<Run> runs, Instant from, long extraFailed) {
        JsonNode series = body.at("/series");
        assertThat(series).hasSize(6);
        for (int h = 0; h < 6; h++) {
            Instant start = from.plus(Duration.ofHours(h));
            Counts c = Counts.in(runs, start, start.plus(Duration.ofHours(1)));
            assertCounts(series.get(h), h == 2
                    ? new Counts(c.succeeded(), c.failed() + extraFailed, c.timedOut(),
                            c.canceled())
                    : c);
        }
    }

    @Test
    void shouldKeepBothDayStartsOfAZoneWithDaylightSavingAndRefuseUnknownZonesAndDroppingUtc() {
        TestDatabase db = DatabaseResource.database();

        List<Integer> added = db.query("select run_metrics_keep_local_days('America/New_York') as m").stream()
                .map(r -> ((Number) r.get("m")).intValue()).toList();

        assertThat(added).as("05:00 UTC in winter, 04:00 in summer").containsExactlyInAnyOrder(300, 240);
        assertThatThrownBy(() -> db.execute("select run_metrics_keep_local_days('Mars/Olympus_Mons')"))
                .hasMessageContaining("time zone");
        assertThatThrownBy(() -> db.execute("select run_metrics_drop_local_days(0::smallint)"))
                .hasMessageContaining("always kept");
        db.execute("select run_metrics_drop_local_days(240::smallint)");
        db.execute("select run_metrics_drop_local_days(300::smallint)");
        assertThat(db.scalar("select count(*) from workflow_run_rollups_local_daily where start_minute in (240, 300)"))
                .isZero();
    }

    /** The summary ({@code SUMMARY}) or a workflow's detail over [from, to) by Kathmandu days. */
    private static JsonNode days(Tenant tenant, String path, ZonedDateTime from, ZonedDateTime to) {
        return tenant.ok(path, "from", from.toOffsetDateTime(), "to", to.toOffsetDateTime(), "tz",
                KATHMANDU.getId(), "granularity", "day");
    }

    /** Each of the ten days' counts, and the whole range's, from the runs by their Kathmandu date. */
    private static void assertDays(JsonNode body, List<Run> runs, LocalDate first) {
        assertTenDays(body.at("/aggregate/series"), runs, first);
        Instant from = first.atStartOfDay(KATHMANDU).toInstant();
        Instant to = first.plusDays(10).atStartOfDay(KATHMANDU).toInstant();
        assertCounts(body.at("/aggregate/counts"), Counts.in(runs, from, to));
    }

    /** A series of ten Kathmandu days from {@code first}, each with the counted runs of its date. */
    private static void assertTenDays(JsonNode series, List<Run> runs, LocalDate first) {
        assertThat(series).hasSize(10);
        for (int i = 0; i < 10; i++) {
            LocalDate d = first.plusDays(i);
            assertThat(time(series.get(i).get("start")).toInstant()).isEqualTo(d.atStartOfDay(KATHMANDU).toInstant());
            assertCounts(series.get(i), Counts.of(runs.stream()
                    .filter(r -> r.counted() && r.finishedAt().atZone(KATHMANDU).toLocalDate().equals(d)).toList()));
        }
    }

    /**
     * Runs of days [fromDay, toDay) of every flow: one in the last minute before local midnight and one at it, a
     * scheduled one at 05:45 (UTC midnight), a 'test' run (never counted) and a timed-out run at noon.
     */
    private static List<Run> aroundMidnights(List<Flow> flows, LocalDate first, int fromDay, int toDay) {
        List<Run> runs = new ArrayList<>();
        for (Flow flow : flows) {
            for (int d = fromDay; d < toDay; d++) {
                ZonedDateTime midnight = first.plusDays(d).atStartOfDay(KATHMANDU);
                runs.add(flow.run("failed", midnight.minusMinutes(1).toInstant()).took(300 + d));
                runs.add(flow.run("succeeded", midnight.toInstant()).took(40_000));
                runs.add(flow.run("succeeded", midnight.plusMinutes(345).toInstant()).trigger("schedule"));
                runs.add(flow.run("failed", midnight.plusHours(3).toInstant()).trigger("test"));
                runs.add(flow.run("timed_out", midnight.plusHours(12).toInstant()).took(90_000));
            }
        }
        return runs;
    }
}
