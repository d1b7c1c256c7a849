package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.migrate.Maintenance;
import io.meshhook.metrics.migrate.Maintenance.Drift;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Reconcile and retention on data recorded through the real path. Test classes run one after the other and each
 * builds its own data, so dropping partitions and pruning rollups here cannot pull data from under another test.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class MaintenanceTest {

    private static final Duration RAW_KEPT = Duration.ofDays(30);
    private static final Duration RAW_KEPT_BY_RETENTION_TEST = Duration.ofDays(7);

    TestDatabase db;
    UUID project;
    UUID workflow;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "maintenance test");
        workflow = UUID.randomUUID();
    }

    @Test
    void shouldFindAndRepairACorruptedHourlyAndDailyLevelFromTheRollupsWhenReconciling() throws SQLException {
        Instant t = Instant.now().minus(2, ChronoUnit.HOURS);
        for (String status : List.of("succeeded", "failed", "failed")) {
            post("/recordOutcome", outcome(project, workflow, "levels", status, t)).statusCode(200);
        }
        assertThat(db.scalar("select sum(failed) from workflow_run_rollups_hourly where project_id = ?", project))
                .isEqualTo(2);
        assertThat(db.scalar("select sum(failed) from workflow_run_rollups_daily where project_id = ?", project))
                .isEqualTo(2);
        db.execute("update workflow_run_rollups_hourly set succeeded = 9 where project_id = ?", project);
        db.execute("delete from workflow_run_rollups_daily where project_id = ?", project);

        // the retention test of this class keeps 7 days of raw weeks: check against as many, and only this project
        assertThat(reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, false))
                .filteredOn(d -> d.projectId().equals(project.toString()))
                .extracting(Drift::kind).containsExactlyInAnyOrder("rollup hourly", "rollup daily");
        reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, true);
        assertThat(reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, false))
                .filteredOn(d -> d.projectId().equals(project.toString())).isEmpty();
        assertThat(db.scalar("select sum(succeeded) from workflow_run_rollups_hourly where project_id = ?", project))
                .isEqualTo(1);
        assertThat(db.scalar("select sum(failed) from workflow_run_rollups_daily where project_id = ?", project))
                .isEqualTo(2);
    }

    @Test
    void shouldFindAndRepairACorruptedCounterAndRollupWhenReconciling() throws SQLException {
        Instant t = Instant.now().minus(1, ChronoUnit.HOURS);
        for (String status : List.of("succeeded", "succeeded", "failed", "timed_out", "canceled")) {
            post("/recordOutcome", outcome(project, workflow, "billing", status, t)).statusCode(200);
        }
        assertThat(reconcile(false)).isEmpty();

        db.execute("update workflow_run_metrics set success_count = success_count + 5 where project_id = ?", project);
        db.execute("update workflow_run_rollups set failed = failed + 1 where project_id = ?", project);
        List<Drift> found = reconcile(false);

        // the levels (hourly, daily, hourly totals, UTC local days) still hold the true counts, so they disagree
        // with the corrupted rollup
        assertThat(found).extracting(Drift::kind).containsExactlyInAnyOrder("counter", "rollup", "rollup hourly",
                "rollup daily", "rollup hourly total", "rollup local day 0");
        assertThat(found).allMatch(d -> d.projectId().equals(project.toString()));
        assertThat(reconcile(true)).as("repaired from raw; then the levels agree again").hasSize(2);
        assertThat(reconcile(false)).isEmpty();
        assertThat(db.query("select success_count, failure_count from workflow_run_metrics where project_id = ?",
                project)).containsExactly(Map.of("success_count", 2L, "failure_count", 2L));
        assertThat(db.scalar("select sum(failed) from workflow_run_rollups where project_id = ?", project))
                .isEqualTo(1);
    }

    @Test
    void shouldFindAndRepairAHistogramThatAloneDriftedInARollupAndInALevelWhenReconciling() throws SQLException {
        Instant t = insideTheRawWeeks();
        // "runs": two cells of the histogram (1,500 ms twice, 40 ms once); "refunds": one cell
        for (long ms : List.of(1_500L, 1_500L, 40L)) {
            post("/recordOutcome", took(outcome(project, workflow, "runs", "succeeded", t), ms)).statusCode(200);
        }
        UUID other = UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            post("/recordOutcome", took(outcome(project, other, "refunds", "succeeded", t), 1_500)).statusCode(200);
        }
        assertThat(reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, false))
                .filteredOn(d -> d.projectId().equals(project.toString())).isEmpty();
        String rollupBefore = histogram("workflow_run_rollups", "runs");
        String dailyBefore = histogram("workflow_run_rollups_daily", "refunds");

        // one run moved to the next duration bucket: every count, sum and maximum stays as it was
        db.execute("update workflow_run_rollups set duration_hist = run_metrics_hist_add(duration_hist,"
                + " array_fill(0, array[run_metrics_duration_bucket(1500) - 1]) || array[-1, 1])"
                + " where project_id = ? and workflow_slug = 'runs'", project);
        db.execute("update workflow_run_rollups_daily set duration_hist = run_metrics_hist_add(duration_hist,"
                + " array_fill(0, array[run_metrics_duration_bucket(1500) - 1]) || array[-1, 1])"
                + " where project_id = ? and workflow_slug = 'refunds'", project);
        assertThat(histogram("workflow_run_rollups", "runs")).isNotEqualTo(rollupBefore);
        List<Drift> found = reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, false).stream()
                .filter(d -> d.projectId().equals(project.toString())).toList();

        // the levels of "runs" still hold the true histogram, so they disagree with its corrupted rollup
        assertThat(found).extracting(Drift::workflow, Drift::kind).containsExactlyInAnyOrder(
                tuple("runs", "rollup"), tuple("runs", "rollup hourly"), tuple("runs", "rollup daily"),
                tuple("runs", "rollup hourly total"), tuple("runs", "rollup local day 0"),
                tuple("refunds", "rollup daily"));
        assertThat(found).as("the figures agree").allMatch(d -> d.expected().equals(d.actual()))
                .extracting(Drift::expected).containsOnly("3/0/0/0", "2/0/0/0");
        assertThat(reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, true))
                .filteredOn(d -> d.projectId().equals(project.toString()))
                .as("the rollup repaired from raw; then its levels agree again").extracting(Drift::kind)
                .containsExactlyInAnyOrder("rollup", "rollup daily");
        assertThat(reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, false))
                .filteredOn(d -> d.projectId().equals(project.toString())).isEmpty();
        assertThat(histogram("workflow_run_rollups", "runs")).isEqualTo(rollupBefore);
        assertThat(histogram("workflow_run_rollups_daily", "refunds")).isEqualTo(dailyBefore);
    }

    @Test
    void shouldNotReportHistogramsThatCountTheSameRunsWithTrailingZerosOrNullsWhenReconciling() throws SQLException {
        Instant t = insideTheRawWeeks();
        for (long ms : List.of(1_500L, 40L, 40L)) {
            post("/recordOutcome", took(outcome(project, workflow, "padded", "failed", t), ms)).statusCode(200);
        }
        // the same counts in every bucket: zeros written as nulls, and zeros or nulls after the last bucket
        db.execute("update workflow_run_rollups set duration_hist = array_replace(duration_hist, 0, null)"
                + " || '{0,null,0}'::integer[] where project_id = ?", project);
        db.execute("update workflow_run_rollups_hourly set duration_hist = duration_hist || '{0,0}'::integer[]"
                + " where project_id = ?", project);
        db.execute("update workflow_run_rollups_daily set duration_hist = duration_hist || '{null}'::integer[]"
                + " where project_id = ?", project);
        db.execute("update workflow_run_rollups_hourly_totals set duration_hist = array_replace(duration_hist, 0,"
                + " null) where project_id = ?", project);
        db.execute("update workflow_run_rollups_local_daily set duration_hist = duration_hist || '{0}'::integer[]"
                + " where project_id = ?", project);
        assertThat(db.scalar("select count(*) from workflow_run_rollups where project_id = ?"
                + " and duration_hist[cardinality(duration_hist)] = 0 and array_position(duration_hist, null) > 0",
                project)).isOne();

        assertThat(reconcileKeeping(RAW_KEPT_BY_RETENTION_TEST, false))
                .filteredOn(d -> d.projectId().equals(project.toString())).isEmpty();
    }

    @Test
    void shouldDropOldPartitionsAndKeepTheirCountsWhenApplyingRetention() throws SQLException {
        Instant old = Instant.now().minus(20, ChronoUnit.DAYS);
        post("/recordOutcome", outcome(project, workflow, "billing", "failed", old)).statusCode(200);
        post("/recordOutcome", outcome(project, workflow, "billing", "succeeded", Instant.now())).statusCode(200);
        String oldPartition = "workflow_run_outcomes_p" + weekOf(old);
        assertThat(partitions()).contains(oldPartition);

        maintenance(m -> m.applyRetention(Duration.ofDays(7), Duration.ofDays(400), 2));

        assertThat(partitions()).doesNotContain(oldPartition).isNotEmpty();
        assertThat(db.scalar("select sum(failed) from workflow_run_rollups where project_id = ?", project))
                .isEqualTo(1);
        assertThat(reconcileKeeping(Duration.ofDays(7), false)).isEmpty();

        // the recorder still believes the dropped week exists; a late run for it must land all the same
        post("/recordOutcome", outcome(project, workflow, "billing", "failed", old.plusSeconds(5))).statusCode(200);
        assertThat(partitions()).contains(oldPartition);

        maintenance(m -> m.applyRetention(Duration.ofDays(7), Duration.ofDays(10), 2));

        assertThat(db.scalar("select count(*) from workflow_run_rollups where project_id = ? and bucket_start < ?",
                project, java.sql.Timestamp.from(Instant.now().minus(10, ChronoUnit.DAYS)))).isZero();
        assertThat(db.scalar("select failed from workflow_run_pruned_counts where project_id = ?", project))
                .isEqualTo(2);
        assertThat(db.query("select success_count, failure_count from workflow_run_metrics where project_id = ?",
                project)).containsExactly(Map.of("success_count", 1L, "failure_count", 2L));
        assertThat(reconcileKeeping(Duration.ofDays(7), false)).isEmpty();
    }

    /** The body with startedAt set so that the run took this many milliseconds. */
    private static Map<String, Object> took(Map<String, Object> body, long ms) {
        body.put("startedAt", Instant.parse((String) body.get("finishedAt")).minusMillis(ms).toString());
        return body;
    }

    /**
     * An hour ago, but not before this UTC week's Monday: the raw outcomes are checked from the first whole week
     * inside their retention, which for the 7 days the retention test keeps is this week.
     */
    private static Instant insideTheRawWeeks() {
        Instant now = Instant.now();
        Instant monday = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC)
                .with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY))
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant hourAgo = now.minus(1, ChronoUnit.HOURS);
        return hourAgo.isBefore(monday) ? monday : hourAgo;
    }

    /** The one histogram of this project's workflow in the table, as text. */
    private String histogram(String table, String slug) {
        List<Map<String, Object>> rows = db.query("select duration_hist::text as h from " + table
                + " where project_id = ? and workflow_slug = ?", project, slug);
        assertThat(rows).as(table + " rows of " + slug).hasSize(1);
        return (String) rows.get(0).get("h");
    }

    private List<String> partitions() {
        return db.query("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = 'workflow_run_outcomes'::regclass").stream()
                .map(r -> (String) r.get("relname")).toList();
    }

    private static String weekOf(Instant t) {
        long origin = 946_857_600L; // Monday 2000-01-03, the partitions' week origin
        long start = origin + Math.floorDiv(t.getEpochSecond() - origin, 604_800L) * 604_800L;
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.ofEpochSecond(start));
    }

    private List<Drift> reconcile(boolean repair) throws SQLException {
        return reconcileKeeping(RAW_KEPT, repair);
    }

    private List<Drift> reconcileKeeping(Duration keep, boolean repair) throws SQLException {
        return maintenance(m -> m.reconcile(keep, Duration.ofDays(400), repair));
    }

    private <T> T maintenance(SqlWork<T> work) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.user());
        try (Connection c = new org.postgresql.Driver().connect(db.jdbcUrl(), properties)) {
            return work.apply(new Maintenance(c));
        }
    }

    private interface SqlWork<T> {
        T apply(Maintenance maintenance) throws SQLException;
    }
}
