-- Retention cuts the 15-minute rollups at now - keep_rollups, which usually falls inside an hour and a day: the
-- hourly and daily rows of the bucket the cut falls in are recounted from the quarter-hours left in it, so that
-- every level stays the exact sum of the 15-minute rollups (run_metrics_reconcile_levels) right up to the cut.

create function run_metrics_rollup_level(level interval, since timestamptz, until timestamptz)
    returns setof workflow_run_rollups
    language sql stable
as $$
    select project_id, workflow_slug, date_bin(level, bucket_start, timestamptz 'epoch'), workflow_id, trigger,
        max(workflow_version), sum(succeeded)::integer, sum(failed)::integer, sum(timed_out)::integer,
        sum(canceled)::integer, sum(retried)::integer, sum(duration_sum_ms)::bigint, max(duration_max_ms),
        run_metrics_hist_sum(duration_hist), max(last_finished_at)
    from workflow_run_rollups
    where bucket_start >= since and bucket_start < until
    group by 1, 2, 3, 4, 5
$$;

create or replace function run_metrics_apply_retention(keep_outcomes interval, keep_rollups interval,
                                                       weeks_ahead integer)
    returns table (action text, object text)
    language plpgsql
as $$
declare
    -- now() is the transaction's start: the same cut as the one run_metrics_apply_retention_v5 applies
    edge_hour timestamptz := date_bin('1 hour', now() - keep_rollups, timestamptz 'epoch');
    edge_day timestamptz := date_bin('1 day', now() - keep_rollups, timestamptz 'epoch');
begin
    return query select * from run_metrics_apply_retention_v5(keep_outcomes, keep_rollups, weeks_ahead);
    delete from workflow_run_rollups_hourly where bucket_start <= edge_hour;
    insert into workflow_run_rollups_hourly
        select * from run_metrics_rollup_level(interval '1 hour', edge_hour, edge_hour + interval '1 hour');
    delete from workflow_run_rollups_daily where bucket_start <= edge_day;
    insert into workflow_run_rollups_daily
        select * from run_metrics_rollup_level(interval '1 day', edge_day, edge_day + interval '1 day');
end
$$;
