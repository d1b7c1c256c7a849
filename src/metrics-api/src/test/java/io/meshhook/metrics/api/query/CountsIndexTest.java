package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.TestDatabase;

/**
 * Which index PostgreSQL reads a workflow's rollups from: the hourly totals without histograms (a 30-day hourly
 * trend, MetricsSql.WINDOW_COUNTS) from V14's narrow index alone, the rows with them (WINDOW_ROWS) from the key that
 * carries the histograms; the top errors (TOP_ERRORS) ranked from the error key alone and their sample messages
 * through V15's index of the rows that have one. The plans are PostgreSQL's own, for the statements exactly as
 * metrics-api compiles them, on a real migrated database with two months of hours of four workflows of one project.
 */
class CountsIndexTest {

    private static final UUID PROJECT = UUID.randomUUID();
    private static TestDatabase db;

    @BeforeAll
    static void hoursOfFourWorkflows() {
        db = TestDatabase.createMigrated("counts_index");
        db.execute("""
                insert into workflow_run_rollups_hourly_totals (project_id, workflow_slug, bucket_start, succeeded,
                    failed, duration_sum_ms, duration_max_ms, duration_hist, last_finished_at)
                select ?, w, h, 40, 2, 42000, 3000, array[null, null, 30, 12]::integer[], h
                from generate_series(now() - interval '60 days', now(), interval '1 hour') h,
                    unnest(array['billing-sync', 'crm-import', 'invoice-mail', 'nightly-export']) w
                """, PROJECT);
        db.execute("""
                insert into workflow_run_error_rollups (project_id, workflow_slug, bucket_start, error_code,
                    occurrences, sample_message, last_seen_at)
                select ?, w, h, 'E' || c, c, case when c % 3 <> 0 then 'message of E' || c || ' at ' || h end,
                    h + interval '59 minutes'
                from generate_series(date_trunc('hour', now() - interval '60 days'), now(), interval '1 hour') h,
                    unnest(array['billing-sync', 'crm-import', 'invoice-mail', 'nightly-export']) w,
                    generate_series(1, 12) c
                """, PROJECT);
        db.execute("vacuum analyze workflow_run_rollups_hourly_totals, workflow_run_error_rollups");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void shouldReadAWorkflowsHoursWithoutHistogramsFromTheNarrowIndexOnly() throws SQLException {
        assertThat(plan(MetricsSql.WINDOW_COUNTS))
                .as("the counts statement names no histogram, so the narrow index answers it alone")
                .contains("Index Only Scan using workflow_run_rollups_hourly_totals_counts");
    }

    @Test
    void shouldReadTheHistogramsFromTheKeyThatCarriesThem() throws SQLException {
        assertThat(plan(MetricsSql.WINDOW_ROWS))
                .contains("Index Only Scan using workflow_run_rollups_hourly_totals_pkey")
                .doesNotContain("hourly_totals_counts");
    }

    @Test
    void shouldRankTheTopErrorsFromTheErrorKeyAlone() throws SQLException {
        assertThat(explain(MetricsSql.TOP_ERRORS, "'" + PROJECT + "'", "'billing-sync'",
                "now() - interval '30 days'", "now()"))
                .as("the ranking reads no heap; the samples are found through the index of rows with a message")
                .contains("Index Only Scan using workflow_run_error_rollups_pkey on workflow_run_error_rollups e")
                .contains("Index Scan Backward using workflow_run_error_rollups_samples"
                        + " on workflow_run_error_rollups s");
    }

    @Test
    void shouldGiveEachTopCodeItsLatestMessageSkippingHoursWithoutOne() throws SQLException {
        UUID project = UUID.randomUUID();
        db.execute("""
                insert into workflow_run_error_rollups (project_id, workflow_slug, bucket_start, error_code,
                    occurrences, sample_message, last_seen_at)
                values (?, 'sync', '2026-03-01 10:00Z', 'HTTP_502', 3, 'bad gateway at 10', '2026-03-01 10:50Z'),
                    (?, 'sync', '2026-03-01 11:00Z', 'HTTP_502', 2, 'bad gateway at 11', '2026-03-01 11:05Z'),
                    (?, 'sync', '2026-03-01 12:00Z', 'HTTP_502', 1, null, '2026-03-01 12:30Z'),
                    (?, 'sync', '2026-03-01 09:00Z', 'TIMEOUT', 4, null, '2026-03-01 09:10Z'),
                    (?, 'sync', '2026-03-01 13:00Z', 'DB_LOCK', 4, 'lock wait at 13', '2026-03-01 13:40Z'),
                    (?, 'sync', '2026-03-01 14:00Z', 'DB_LOCK', 9, 'out of the range', '2026-03-01 14:01Z')
                """, project, project, project, project, project, project);

        List<TopError> top = executed("", MetricsSql.TOP_ERRORS, "'" + project + "'", "'sync'",
                "'2026-03-01 09:00Z'", "'2026-03-01 14:00Z'").stream()
                .map(r -> new TopError(r.get(0), Long.parseLong(r.get(1)), r.get(3))).toList();

        assertThat(top).extracting(TopError::code).as("by occurrences, then the latest seen first")
                .containsExactly("HTTP_502", "DB_LOCK", "TIMEOUT");
        assertThat(top).extracting(TopError::occurrences).containsExactly(6L, 4L, 4L);
        assertThat(top).extracting(TopError::sampleMessage).as("the latest hour with a message, in the range")
                .containsExactly("bad gateway at 11", "lock wait at 13", null);
    }

    /** A row of TOP_ERRORS. */
    private record TopError(String code, long occurrences, String sampleMessage) {
    }

    /** The plan of a statement read per key from the hourly totals over the last 30 days (see {@link #explain}). */
    private static String plan(LevelStatement statement) throws SQLException {
        LevelStatement.Compiled compiled = statement.compile(List.of(LevelStatement.Level.HOURLY_TOTALS), false,
                false);
        Map<String, String> literals = Map.of("projects", "'{" + PROJECT + "}'", "slugs", "'{billing-sync}'",
                "hourly_from", "array[now() - interval '30 days']", "hourly_to", "array[now()]",
                "from", "now() - interval '30 days'");
        return explain(compiled.sql(), compiled.names().stream().map(name -> {
            assertThat(literals).as("a value for @" + name).containsKey(name);
            return literals.get(name);
        }).toArray(String[]::new));
    }

    /** The plan of a statement for these arguments (SQL literals; see {@link #executed}). */
    private static String explain(String sql, String... arguments) throws SQLException {
        StringBuilder plan = new StringBuilder();
        for (List<String> line : executed("explain (costs off) ", sql, arguments)) {
            plan.append(line.get(0)).append('\n');
        }
        return plan.toString();
    }

    /**
     * The rows (as text) of {@code how} (nothing, or an EXPLAIN) executing a statement prepared as metrics-api's
     * client prepares it, for these arguments (SQL literals), with sequential and bitmap scans off: on tables this
     * small PostgreSQL would read the heap whole, and the question is which of the indexes it can use.
     */
    private static List<List<String>> executed(String how, String sql, String... arguments) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
                Statement s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            s.execute("set enable_bitmapscan = off");
            s.execute("prepare statement_under_test as " + sql);
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(how + "execute statement_under_test(" + String.join(", ", arguments)
                    + ")")) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(columns);
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
