package io.meshhook.metrics.evaluator.rules;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.rates.RunCounts;
import io.meshhook.metrics.data.time.TimeWindow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Measures a rule over [now - window, now) for every workflow in its scope: one workflow, or every workflow of the
 * project that has ever run (workflow_run_metrics). Counts come from the rollups, so the window starts at the
 * 15-minute bucket that contains now - window (it may reach up to 15 minutes further back); whole hours inside the
 * window are read from the hourly level, the quarter-hours at its ends from the 15-minute rollups. Test runs never
 * count. Every rule of a pass is measured by one statement ({@link #measureAll}). Consecutive failures need the
 * order of runs, so they are read from the raw outcomes instead, one rule at a time.
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

    /**
     * $1 rule ids, $2 projects, $3 slugs (null: every workflow of the project), $4 window starts, $5 the end of the
     * last quarter-hour that has begun. Counts per rule and workflow in scope.
     */
    private static final String ALL_ROLLUPS = """
            with rule as (
                select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])
                    as r(rule_id, project_id, workflow_slug, since)
            ), scope as (
                select r.rule_id, r.project_id, r.workflow_slug, r.since from rule r where r.workflow_slug is not null
                union all
                select r.rule_id, r.project_id, m.workflow_slug, r.since
                from rule r join (select distinct project_id, workflow_slug from workflow_run_metrics) m
                    using (project_id)
                where r.workflow_slug is null
            ), bounds as (
                select s.rule_id, s.project_id, s.workflow_slug, b.a, $5::timestamptz as e,
                    date_bin('1 hour', b.a + interval '45 minutes', timestamptz 'epoch') as ha,
                    date_bin('1 hour', $5::timestamptz, timestamptz 'epoch') as he
                from scope s cross join lateral
                    (select date_bin('15 minutes', s.since, timestamptz 'epoch') as a) b
            )
            select s.rule_id, s.workflow_slug,
                coalesce(sum(x.succeeded), 0) as succeeded, coalesce(sum(x.failed), 0) as failed,
                coalesce(sum(x.timed_out), 0) as timed_out, coalesce(sum(x.canceled), 0) as canceled
            from bounds s
            left join lateral (
                select q.succeeded, q.failed, q.timed_out, q.canceled from workflow_run_rollups q
                where q.project_id = s.project_id and q.workflow_slug = s.workflow_slug and q.trigger <> 'test'
                    and q.bucket_start >= s.a and q.bucket_start < least(s.ha, s.e)
                union all
                select h.succeeded, h.failed, h.timed_out, h.canceled from workflow_run_rollups_hourly h
                where h.project_id = s.project_id and h.workflow_slug = s.workflow_slug and h.trigger <> 'test'
                    and h.bucket_start >= s.ha and h.bucket_start < s.he
                union all
                select q.succeeded, q.failed, q.timed_out, q.canceled from workflow_run_rollups q
                where q.project_id = s.project_id and q.workflow_slug = s.workflow_slug and q.trigger <> 'test'
                    and q.bucket_start >= greatest(s.he, s.ha) and q.bucket_start < s.e
            ) x on true
            group by s.rule_id, s.workflow_slug
            order by s.rule_id, s.workflow_slug
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

    /**
     * The figures of every rule that is read from rollups (not consecutiveFailures), by rule id, each list in
     * workflow order; one statement for the whole pass.
     */
    public Uni<Map<UUID, List<Measurement>>> measureAll(SqlConnection connection, List<AlertRule> rules,
            Instant now) {
        Map<UUID, AlertRule> byId = new HashMap<>();
        rules.forEach(r -> byId.put(r.id(), r));
        if (rules.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        // every quarter-hour that has begun counts, as bucket_start < now does for one rule
        Instant end = TimeWindow.ceilToGrain(now);
        Tuple args = Tuple.of(rules.stream().map(AlertRule::id).toArray(UUID[]::new),
                rules.stream().map(AlertRule::projectId).toArray(UUID[]::new),
                rules.stream().map(AlertRule::workflowSlug).toArray(String[]::new),
                rules.stream().map(r -> utc(now.minus(r.window()))).toArray(OffsetDateTime[]::new),
                utc(end));
        return connection.preparedQuery(ALL_ROLLUPS).execute(args).map(rows -> {
            Map<UUID, List<Measurement>> measured = new HashMap<>();
            for (Row row : rows) {
                AlertRule rule = byId.get(row.getUUID("rule_id"));
                measured.computeIfAbsent(rule.id(), id -> new ArrayList<>()).add(fromCounts(rule.metric(), row));
            }
            return measured;
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
