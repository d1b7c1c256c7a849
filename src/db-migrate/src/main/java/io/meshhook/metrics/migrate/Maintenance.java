package io.meshhook.metrics.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention and reconciliation, run against a database as their own step (a cron job, the evaluator, or a person
 * with the command line). The work itself is in SQL functions of the migrations; this only calls them.
 */
public final class Maintenance {

    /** One finding of the reconcile check: a rollup bucket or a counter that differs from its source of truth. */
    public record Drift(String kind, String projectId, String workflow, String bucketStart, String expected,
            String actual) {
    }

    private final Connection connection;

    public Maintenance(Connection connection) {
        this.connection = connection;
    }

    /** Drops old outcome partitions, prunes old rollups (keeping their counts) and creates coming partitions. */
    public List<String> applyRetention(Duration keepOutcomes, Duration keepRollups, int weeksAhead)
            throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "select action, object from run_metrics_apply_retention(make_interval(secs => ?),"
                        + " make_interval(secs => ?), ?)")) {
            s.setDouble(1, keepOutcomes.toSeconds());
            s.setDouble(2, keepRollups.toSeconds());
            s.setInt(3, weeksAhead);
            List<String> actions = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    actions.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            return actions;
        }
    }

    /**
     * Keeps the local-day level for a zone's day starts (run_metrics_keep_local_days): an unfiltered day series in
     * that zone then reads one row per workflow and day. Returns the day starts (minutes of the UTC day) it added.
     */
    public List<Integer> keepLocalDays(String zone) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("select run_metrics_keep_local_days(?)")) {
            s.setString(1, zone);
            List<Integer> added = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    added.add(rs.getInt(1));
                }
            }
            return added;
        }
    }

    /**
     * Every drifted rollup bucket, counter and hourly, daily, hourly-total and local-day level row; with {@code repair},
     * rewritten from raw outcomes and rollups (the levels after the 15-minute rollups they add up to).
     */
    public List<Drift> reconcile(Duration keepOutcomes, Duration keepRollups, boolean repair) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // the check and its repair see and change one snapshot
        try (PreparedStatement s = connection.prepareStatement(
                "select kind, project_id::text, workflow, bucket_start::text, expected, actual"
                        + " from run_metrics_reconcile(make_interval(secs => ?), ?)"
                        // after the first: its repair of the 15-minute rollups is what the levels are checked by
                        + " union all select kind, project_id::text, workflow, bucket_start::text, expected, actual"
                        + " from run_metrics_reconcile_levels(make_interval(secs => ?), ?)"
                        + " union all select kind, project_id::text, workflow, bucket_start::text, expected, actual"
                        + " from run_metrics_reconcile_totals(make_interval(secs => ?), ?)")) {
            s.setDouble(1, keepOutcomes.toSeconds());
            s.setBoolean(2, repair);
            s.setDouble(3, keepRollups.toSeconds());
            s.setBoolean(4, repair);
            s.setDouble(5, keepRollups.toSeconds());
            s.setBoolean(6, repair);
            List<Drift> drift = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    drift.add(new Drift(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
            connection.commit();
            return drift;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
