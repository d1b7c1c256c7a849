package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.RunTotals.assertSameRows;
import static io.meshhook.metrics.record.RunTotals.counters;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.meshhook.metrics.record.RunTotals.Counters;
import io.meshhook.metrics.testing.TestDatabase;

/**
 * What a fault test asserts once the fault is over: every acknowledged run is in the ledger and the raw outcomes
 * exactly once, nothing else is, the counters equal a count over the raw outcomes, and the database's own
 * reconcile ({@code run_metrics_reconcile}: rollups against raw, counters against rollups) finds no drift.
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
    }

    private static void assertCountersMatchRaw(TestDatabase db, UUID project) {
        List<Counters> fromRaw = counters(db.query("""
                select project_id, workflow_id,
                    count(*) filter (where trigger <> 'test' and status = 'succeeded') as succeeded,
                    count(*) filter (where trigger <> 'test' and status in ('failed', 'timed_out')) as failed,
                    count(*) filter (where trigger <> 'test' and status = 'timed_out') as timed_out,
                    count(*) filter (where trigger <> 'test' and status = 'canceled') as canceled,
                    count(*) filter (where trigger = 'test') as test_runs,
                    max(finished_at) filter (where trigger <> 'test') as last_run_at,
                    (array_agg(status order by finished_at desc) filter (where trigger <> 'test'))[1]
                        as last_run_status
                from workflow_run_outcomes where project_id = ? group by project_id, workflow_id""", project));
        List<Counters> stored = counters(db.query("""
                select project_id, workflow_id, success_count as succeeded, failure_count as failed,
                    timed_out_count as timed_out, canceled_count as canceled, test_run_count as test_runs,
                    last_run_at, last_run_status
                from workflow_run_metrics where project_id = ?""", project));
        assertSameRows(stored, "workflow_run_metrics", fromRaw, "the raw outcomes");
    }

    private static List<Object> column(TestDatabase db, String sql, UUID project) {
        return db.query(sql, project).stream().map(row -> row.values().iterator().next()).toList();
    }
}
