package io.meshhook.metrics.evaluator.rules;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.rates.RunCounts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Measures a rule over [now - window, now) for every workflow in its scope: one workflow, or every workflow of the
 * project that has ever run (workflow_run_metrics). Counts come from the 15-minute rollups, so the window starts at
 * the bucket that contains now - window (it may reach up to 15 minutes further back); test runs never count.
 * Consecutive failures need the order of runs, so they are read from the raw outcomes instead.
 */
@ApplicationScoped
public class Measurements {

    private static final String SCOPE = """
            with scope as (
                select $2::text as workflow_slug where $2::text is not null
                union
                select distinct workflow_slug from workflow_run_metrics where project_id = $1 and $2::text is null
            )
            """;

    private static final String ROLLUPS = SCOPE + """
            select s.workflow_slug,
                coalesce(sum(r.succeeded), 0) as succeeded, coalesce(sum(r.failed), 0) as failed,
                coalesce(sum(r.timed_out), 0) as timed_out, coalesce(sum(r.canceled), 0) as canceled
            from scope s
            left join workflow_run_rollups r on r.project_id = $1 and r.workflow_slug = s.workflow_slug
                and r.trigger <> 'test'
                and r.bucket_start >= date_bin('15 minutes', $3::timestamptz, timestamptz 'epoch')
                and r.bucket_start < $4
            group by s.workflow_slug
            order by s.workflow_slug
            """;

    /** The streak is the failures after the latest success; canceled runs neither break nor extend it. */
    private static final String STREAKS = SCOPE + """
            , recent as (
                select o.workflow_slug, o.status, o.finished_at
                from workflow_run_outcomes o join scope s using (workflow_slug)
                where o.project_id = $1 and o.finished_at >= $3 and o.finished_at < $4
                    and o.trigger <> 'test' and o.status <> 'canceled'
            ), last_success as (
                select workflow_slug, max(finished_at) as at from recent where status = 'succeeded'
                group by workflow_slug
            )
            select s.workflow_slug, count(r.status) as rated,
                count(r.status) filter (where r.status <> 'succeeded') as failures,
                count(r.status) filter (where r.status <> 'succeeded'
                    and r.finished_at > coalesce(l.at, '-infinity')) as streak
            from scope s
            left join recent r using (workflow_slug)
            left join last_success l using (workflow_slug)
            group by s.workflow_slug
            order by s.workflow_slug
            """;

    /** The rule's figure for each workflow in its scope at {@code now}. */
    public Uni<List<Measurement>> measure(SqlConnection connection, AlertRule rule, Instant now) {
        Tuple args = Tuple.of(rule.projectId(), rule.workflowSlug(), utc(now.minus(rule.window())), utc(now));
        boolean streaks = rule.metric() == Metric.CONSECUTIVE_FAILURES;
        return connection.preparedQuery(streaks ? STREAKS : ROLLUPS).execute(args).map(rows -> {
            List<Measurement> measurements = new ArrayList<>();
            for (Row row : rows) {
                measurements.add(streaks ? streak(row) : fromCounts(rule.metric(), row));
            }
            return measurements;
        });
    }

    private static Measurement streak(Row row) {
        long rated = row.getLong("rated");
        return new Measurement(row.getString("workflow_slug"), (double) row.getLong("streak"), rated, rated,
                row.getLong("failures"));
    }

    private static Measurement fromCounts(Metric metric, Row row) {
        RunCounts counts = new RunCounts(row.getLong("succeeded"), row.getLong("failed"), row.getLong("timed_out"),
                row.getLong("canceled"), 0);
        Double value = switch (metric) {
            case FAILURE_RATE -> counts.failureRate();
            case SUCCESS_RATE -> counts.successRate();
            case FAILURES -> (double) counts.failures();
            case RUNS_BELOW -> (double) counts.total();
            case CONSECUTIVE_FAILURES -> throw new IllegalArgumentException("streaks are read from raw outcomes");
        };
        return new Measurement(row.getString("workflow_slug"), value, counts.ratedRuns(), counts.total(),
                counts.failures());
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
