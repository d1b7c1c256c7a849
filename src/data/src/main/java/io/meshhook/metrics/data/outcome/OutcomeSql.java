package io.meshhook.metrics.data.outcome;

/**
 * The parameterised statements of the record path. One statement writes a whole request: the ledger (which
 * decides what is new), the raw outcomes, the counters, the rollups, the error rollups and a NOTIFY per
 * workflow whose counters changed. Rows are written in key order, so concurrent requests lock in the same order.
 */
final class OutcomeSql {

    private OutcomeSql() {
    }

    /** The rollup columns, shared by the 15-minute, hourly and daily levels. */
    private static final String ROLLUP_COLUMNS = """
            (project_id, workflow_slug, bucket_start, workflow_id, trigger,
               workflow_version, succeeded, failed, timed_out, canceled, retried, duration_sum_ms,
               duration_max_ms, duration_hist, last_finished_at)""";

    /** How a level's new row merges into an existing one (any level: the columns after the key are the same). */
    private static final String ROLLUP_MERGE = """

            succeeded = r.succeeded + excluded.succeeded,
            failed = r.failed + excluded.failed,
            timed_out = r.timed_out + excluded.timed_out,
            canceled = r.canceled + excluded.canceled,
            retried = r.retried + excluded.retried,
            duration_sum_ms = r.duration_sum_ms + excluded.duration_sum_ms,
            duration_max_ms = greatest(r.duration_max_ms, excluded.duration_max_ms),
            duration_hist = run_metrics_hist_add(r.duration_hist, excluded.duration_hist),
            last_finished_at = greatest(r.last_finished_at, excluded.last_finished_at)""";

    /** A level's values after its key and bucket, from the new runs ({@code f}), grouped by what precedes them. */
    private static final String ROLLUP_AGGREGATES = """

            count(*) filter (where f.status = 'succeeded'),
            count(*) filter (where f.status = 'failed'),
            count(*) filter (where f.status = 'timed_out'),
            count(*) filter (where f.status = 'canceled'),
            count(*) filter (where f.attempt > 1),
            sum(f.duration_ms), max(f.duration_ms),
            run_metrics_hist_sum(run_metrics_hist_one(run_metrics_duration_bucket(f.duration_ms))),
            max(f.finished_at)""";

    /** A level's values after its bucket expression, and how they merge into an existing row. */
    private static final String ROLLUP_VALUES = """

            f.workflow_id, f.trigger, max(f.workflow_version),""" + ROLLUP_AGGREGATES + """

            from fresh f
            group by 1, 2, 3, 4, 5
            order by 1, 2, 3, 4, 5
            on conflict (project_id, workflow_slug, bucket_start, workflow_id, trigger) do update set""" + ROLLUP_MERGE;

    static final String RECORD = """
            with input as (
                select * from jsonb_to_recordset($1::jsonb) as x(
                    ord integer, run_id uuid, project_id uuid, workflow_id uuid, workflow_slug text,
                    workflow_version integer, status text, trigger text, attempt integer, retry_of uuid,
                    started_at timestamptz, finished_at timestamptz, duration_ms bigint, error_code text,
                    error_message text, error_step text, fingerprint uuid)
            ), unknown_projects as (
                select i.ord from input i where not exists (select 1 from public.projects p where p.id = i.project_id)
            ), ledger as (
                insert into workflow_run_outcome_keys (run_id, project_id, fingerprint, finished_at)
                select run_id, project_id, fingerprint, finished_at from input order by run_id
                on conflict (run_id) do nothing
                returning run_id
            ), fresh as (
                select i.* from input i join ledger l using (run_id)
            ), raw as (
                insert into workflow_run_outcomes (project_id, workflow_slug, finished_at, run_id, workflow_id,
                    workflow_version, status, trigger, attempt, retry_of, started_at, duration_ms, error_code,
                    error_message, error_step)
                select project_id, workflow_slug, finished_at, run_id, workflow_id, workflow_version, status, trigger,
                    attempt, retry_of, started_at, duration_ms, error_code, error_message, error_step
                from fresh
                -- late arrivals older than the raw retention are counted, not stored: their week may be gone
                where finished_at >= run_metrics_raw_complete_since(make_interval(secs => $2))
            ), counters as (
                insert into workflow_run_metrics as m (project_id, workflow_id, workflow_slug, workflow_version,
                    success_count, failure_count, timed_out_count, canceled_count, test_run_count, last_run_id,
                    last_run_at, last_run_status, last_updated)
                select project_id, workflow_id, max(workflow_slug), max(workflow_version),
                    count(*) filter (where trigger <> 'test' and status = 'succeeded'),
                    count(*) filter (where trigger <> 'test' and status in ('failed', 'timed_out')),
                    count(*) filter (where trigger <> 'test' and status = 'timed_out'),
                    count(*) filter (where trigger <> 'test' and status = 'canceled'),
                    count(*) filter (where trigger = 'test'),
                    (array_agg(run_id order by finished_at desc, run_id desc) filter (where trigger <> 'test'))[1],
                    max(finished_at) filter (where trigger <> 'test'),
                    (array_agg(status order by finished_at desc, run_id desc) filter (where trigger <> 'test'))[1],
                    now()
                from fresh
                group by project_id, workflow_id
                order by project_id, workflow_id
                on conflict (project_id, workflow_id) do update set
                    success_count = m.success_count + excluded.success_count,
                    failure_count = m.failure_count + excluded.failure_count,
                    timed_out_count = m.timed_out_count + excluded.timed_out_count,
                    canceled_count = m.canceled_count + excluded.canceled_count,
                    test_run_count = m.test_run_count + excluded.test_run_count,
                    last_run_id = case when excluded.last_run_at >= coalesce(m.last_run_at, '-infinity')
                        then excluded.last_run_id else m.last_run_id end,
                    last_run_status = case when excluded.last_run_at >= coalesce(m.last_run_at, '-infinity')
                        then excluded.last_run_status else m.last_run_status end,
                    last_run_at = greatest(m.last_run_at, excluded.last_run_at),
                    last_updated = excluded.last_updated
                returning m.project_id, m.workflow_id, m.workflow_slug, m.workflow_version, m.success_count,
                    m.failure_count, m.timed_out_count, m.canceled_count, m.test_run_count, m.last_run_at,
                    m.last_run_status, m.last_updated
            ), rollups as (
                insert into workflow_run_rollups as r""" + ROLLUP_COLUMNS + """
            select project_id, workflow_slug, date_bin('15 minutes', finished_at, timestamptz 'epoch'),"""
            + ROLLUP_VALUES + """
                    ), hourly as (
                        insert into workflow_run_rollups_hourly as r""" + ROLLUP_COLUMNS + """
                    select project_id, workflow_slug, date_bin('1 hour', finished_at, timestamptz 'epoch'),"""
            + ROLLUP_VALUES + """
                    ), daily as (
                        insert into workflow_run_rollups_daily as r""" + ROLLUP_COLUMNS + """
                    select project_id, workflow_slug, date_bin('1 day', finished_at, timestamptz 'epoch'),"""
            + ROLLUP_VALUES
            + """
                    ), hourly_totals as (
                        -- unfiltered (no 'test' runs, every version and trigger)
                        insert into workflow_run_rollups_hourly_totals as r (project_id, workflow_slug, bucket_start,
                            succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms,
                            duration_hist, last_finished_at)
                        select f.project_id, f.workflow_slug, date_bin('1 hour', f.finished_at, timestamptz 'epoch'),"""
            + ROLLUP_AGGREGATES + """

                    from fresh f
                    where f.trigger <> 'test'
                    group by 1, 2, 3
                    order by 1, 2, 3
                    on conflict (project_id, workflow_slug, bucket_start) do update set"""
            + ROLLUP_MERGE
            + """
                    ), local_daily as (
                        -- unfiltered (no 'test' runs, every version and trigger), per kept local day start
                        insert into workflow_run_rollups_local_daily as r (project_id, workflow_slug, start_minute,
                            bucket_start, succeeded, failed, timed_out, canceled, retried, duration_sum_ms,
                            duration_max_ms, duration_hist, last_finished_at)
                        select f.project_id, f.workflow_slug, s.start_minute,
                            date_bin('1 day', f.finished_at, timestamptz 'epoch' + make_interval(mins => s.start_minute)),"""
            + ROLLUP_AGGREGATES + """

                    from fresh f cross join run_metrics_local_day_starts s
                    where f.trigger <> 'test'
                    group by 1, 2, 3, 4
                    order by 1, 2, 3, 4
                    on conflict (project_id, workflow_slug, start_minute, bucket_start) do update set"""
            + ROLLUP_MERGE
            + """

                    ), errors as (
                        insert into workflow_run_error_rollups as e (project_id, workflow_slug, bucket_start, error_code,
                            occurrences, sample_message, last_seen_at)
                        select project_id, workflow_slug, date_bin('1 hour', finished_at, timestamptz 'epoch'),
                            coalesce(error_code, case when status = 'timed_out' then 'TIMED_OUT' else 'UNSPECIFIED' end),
                            count(*),
                            (array_agg(error_message order by finished_at desc) filter (where error_message is not null))[1],
                            max(finished_at)
                        from fresh
                        where status in ('failed', 'timed_out') and trigger <> 'test'
                        group by 1, 2, 3, 4
                        order by 1, 2, 3, 4
                        on conflict (project_id, workflow_slug, bucket_start, error_code) do update set
                            occurrences = e.occurrences + excluded.occurrences,
                            sample_message = case when excluded.last_seen_at >= e.last_seen_at
                                then coalesce(excluded.sample_message, e.sample_message)
                                else coalesce(e.sample_message, excluded.sample_message) end,
                            last_seen_at = greatest(e.last_seen_at, excluded.last_seen_at)
                    )
                    select (select coalesce(array_agg(run_id), '{}') from ledger) as inserted,
                        (select coalesce(array_agg(ord), '{}') from unknown_projects) as unknown_projects,
                        (select count(pg_notify('run_metrics', json_build_object(
                            'projectId', project_id, 'workflowId', workflow_id, 'workflowSlug', workflow_slug,
                            'workflowVersion', workflow_version, 'successCount', success_count,
                            'failureCount', failure_count, 'timedOutCount', timed_out_count,
                            'canceledCount', canceled_count, 'testRunCount', test_run_count, 'lastRunAt', last_run_at,
                            'lastRunStatus', last_run_status, 'lastUpdated', last_updated)::text))
                        from counters) as notified
                    """;

    static final String KNOWN_FINGERPRINTS = """
            select run_id, fingerprint from workflow_run_outcome_keys where run_id = any($1)
            """;

    static final String ENSURE_PARTITION = "select run_metrics_ensure_outcome_partition($1)";
}
