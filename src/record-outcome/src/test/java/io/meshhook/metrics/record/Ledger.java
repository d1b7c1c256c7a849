package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.RunTotals.assertSameRows;
import static io.meshhook.metrics.record.RunTotals.countersFromRaw;
import static io.meshhook.metrics.record.RunTotals.storedCounters;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.meshhook.metrics.record.RunTotals.Counters;
import io.meshhook.metrics.testing.TestDatabase;

/**
 * What a fault test asserts once the fault is over: every acknowledged run is in the ledger and the raw outcomes
 * exactly once, nothing else is, the counters equal a count over the raw outcomes, and the database's own
 * reconcile ({@code run_metrics_reconcile}: rollups against raw, counters against rollups; then the hourly, daily
 * and local-day levels against the rollups) finds no drift.
 */
final class Ledger {

    private Ledger() {
    }

    static void assertCountedOnce(TestDatabase db, UUID project, Collection<UUID> acknowledged) {
        List<Object> ledger = column(db, "select run_id from workflow_run_outcome_keys where project_id = ?", project);
        List<Object> raw = column(db, "select run_id from workflow_run_outcomes where project_id = ?", project);
        assertThat(ledger).as("ledger rows").hasSameSizeAs(acknowledged).containsExactlyInAnyOrderElementsOf(
                acknowledged);
        assertThat(raw).as("raw outcomes").hasSameSizeAs(acknowledged).containsExactlyInAnyOrderElementsOf(
                acknowledged);
        assertCountersMatchRaw(db, project);
        assertThat(db.query("select kind, workflow, bucket_start::text, expected, actual"
                + " from run_metrics_reconcile(interval '30 days', false) where project_id = ?", project))
                .as("drift found by run_metrics_reconcile").isEmpty();
        assertThat(db.query("select kind, workflow, bucket_start::text, expected, actual"
                + " from run_metrics_reconcile_levels(interval '30 days', false) where project_id = ?"
                + " union all select kind, workflow, bucket_start::text, expected, actual"
                + " from run_metrics_reconcile_totals(interval '30 days', false) where project_id = ?",
                project, project)).as("drift of the levels").isEmpty();
    }

    private static void assertCountersMatchRaw(TestDatabase db, UUID project) {
        List<Counters> fromRaw = countersFromRaw(db, "project_id = ?", project);
        List<Counters> stored = storedCounters(db, "project_id = ?", project);
        assertSameRows(stored, "workflow_run_metrics", fromRaw, "the raw outcomes");
    }

    private static List<Object> column(TestDatabase db, String sql, UUID project) {
        return db.query(sql, project).stream().map(row -> row.values().iterator().next()).toList();
    }
}
