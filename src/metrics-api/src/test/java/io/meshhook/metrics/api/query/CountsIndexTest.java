package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.TestDatabase;

/**
 * Which index PostgreSQL reads a workflow's hourly totals from: the rows without histograms (a 30-day hourly trend,
 * MetricsSql.WINDOW_COUNTS) from V14's narrow index alone, the rows with them (WINDOW_ROWS) from the key that
 * carries the histograms. The plans are PostgreSQL's own, for the statements exactly as metrics-api compiles them,
 * on a real migrated database with two months of hours of four workflows of one project.
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
        db.execute("vacuum analyze workflow_run_rollups_hourly_totals");
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

    /**
     * The plan of a statement read per key from the hourly totals over the last 30 days, with sequential and
     * bitmap scans off: on a table this small PostgreSQL would read the heap whole, and the question is which of
     * the indexes it can use.
     */
    private static String plan(LevelStatement statement) throws SQLException {
        LevelStatement.Compiled compiled = statement.compile(List.of(LevelStatement.Level.HOURLY_TOTALS), false,
                false);
        Map<String, String> literals = Map.of("projects", "'{" + PROJECT + "}'", "slugs", "'{billing-sync}'",
                "hourly_from", "array[now() - interval '30 days']", "hourly_to", "array[now()]",
                "from", "now() - interval '30 days'");
        String arguments = compiled.names().stream().map(name -> {
            assertThat(literals).as("a value for @" + name).containsKey(name);
            return literals.get(name);
        }).collect(Collectors.joining(", "));
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
                Statement s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            s.execute("set enable_bitmapscan = off");
            s.execute("prepare counts_or_rows as " + compiled.sql());
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("explain (costs off) execute counts_or_rows(" + arguments + ")")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }
}
