-- Hourly and daily (UTC) levels of the 15-minute rollups, with the same keys and columns, written by the same
-- record statement in the same transaction. A query reads each part of its range from the coarsest level whose
-- buckets fit whole inside one of its own buckets: a 30-day summary reads ~30 daily rows per workflow and
-- trigger instead of ~2,880 quarter-hours, a UTC-aligned hourly trend reads hours, and a local day in a zone
-- like Asia/Kathmandu (+05:45) reads 23 hours and 4 quarter-hours. The 15-minute rollups stay the source of
-- truth for the levels (run_metrics_reconcile_levels checks and repairs them against it).

create table workflow_run_rollups_hourly (like workflow_run_rollups including defaults including constraints);
alter table workflow_run_rollups_hourly
    add primary key (project_id, workflow_slug, bucket_start, workflow_id, trigger);
create table workflow_run_rollups_daily (like workflow_run_rollups including defaults including constraints);
alter table workflow_run_rollups_daily
    add primary key (project_id, workflow_slug, bucket_start, workflow_id, trigger);
-- Long series over many workflows in zones whose days do not start on a UTC hour (Asia/Kathmandu, Asia/Kolkata)
-- read each of their many short ranges once per project rather than once per workflow (metrics-api's
-- LEVELS_BY_PROJECT); the 15-minute rollups have had this index since V2.
create index workflow_run_rollups_hourly_project_time on workflow_run_rollups_hourly (project_id, bucket_start);
create index workflow_run_rollups_daily_project_time on workflow_run_rollups_daily (project_id, bucket_start);

do $$
declare
    t text;
begin
    foreach t in array array['workflow_run_rollups_hourly', 'workflow_run_rollups_daily']
    loop
        execute format('alter table public.%I enable row level security', t);
        execute format('revoke all on public.%I from public, anon, authenticated', t);
        execute format('grant select on public.%I to authenticated', t);
        execute format('grant all on public.%I to service_role', t);
        execute format('create policy %I on public.%I for select to authenticated'
                           || ' using (project_id in (select public.user_project_ids()))',
                       t || '_tenant_read', t);
    end loop;
end
$$;

-- The level rows that the 15-minute rollups in [since, until) add up to.
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

insert into workflow_run_rollups_hourly select * from run_metrics_rollup_level(interval '1 hour', '-infinity', 'infinity');
insert into workflow_run_rollups_daily select * from run_metrics_rollup_level(interval '1 day', '-infinity', 'infinity');

-- Levels whose rows differ from the 15-minute rollups they add up to (complete buckets after the rollup
-- retention's cut); with repair, rewritten from them.
create function run_metrics_reconcile_levels(keep_rollups interval, repair boolean)
    returns table (kind text, project_id uuid, workflow text, bucket_start timestamptz, expected text, actual text)
    language plpgsql
as $$
declare
    since timestamptz := date_bin('1 day', now() - keep_rollups, timestamptz 'epoch') + interval '1 day';
    level record;
begin
    for level in select * from (values ('hourly', interval '1 hour'), ('daily', interval '1 day')) v(name, len)
    loop
        execute format($q$
            create temporary table rm_level_drift on commit drop as
            select coalesce(e.project_id, r.project_id) as project_id, coalesce(e.workflow_slug, r.workflow_slug) as slug,
                coalesce(e.bucket_start, r.bucket_start) as bucket_start, coalesce(e.workflow_id, r.workflow_id) as workflow_id,
                coalesce(e.trigger, r.trigger) as trigger,
                case when e.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', e.succeeded, e.failed, e.timed_out, e.canceled) end as expected,
                case when r.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', r.succeeded, r.failed, r.timed_out, r.canceled) end as actual
            from run_metrics_rollup_level(%L, %L, 'infinity') e
            full join (select * from public.%I x where x.bucket_start >= %L) r
                on r.project_id = e.project_id and r.workflow_slug = e.workflow_slug and r.bucket_start = e.bucket_start
               and r.workflow_id = e.workflow_id and r.trigger = e.trigger
            where e.project_id is null or r.project_id is null
               or (e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms)
                  is distinct from (r.succeeded, r.failed, r.timed_out, r.canceled, r.retried, r.duration_sum_ms,
                                    r.duration_max_ms)
               or run_metrics_hist_add(e.duration_hist, '{}') is distinct from run_metrics_hist_add(r.duration_hist, '{}')
            $q$, level.len, since, 'workflow_run_rollups_' || level.name, since);

        return query select 'rollup ' || level.name, d.project_id, d.slug, d.bucket_start, d.expected, d.actual
            from rm_level_drift d;

        if repair then
            execute format($q$
                delete from public.%I r using rm_level_drift d
                where r.project_id = d.project_id and r.workflow_slug = d.slug and r.bucket_start = d.bucket_start
                  and r.workflow_id = d.workflow_id and r.trigger = d.trigger
                $q$, 'workflow_run_rollups_' || level.name);
            execute format($q$
                insert into public.%I
                select e.* from run_metrics_rollup_level(%L, %L, 'infinity') e join rm_level_drift d
                    on d.project_id = e.project_id and d.slug = e.workflow_slug and d.bucket_start = e.bucket_start
                   and d.workflow_id = e.workflow_id and d.trigger = e.trigger
                $q$, 'workflow_run_rollups_' || level.name, level.len, since);
        end if;
        drop table rm_level_drift;
    end loop;
end
$$;

-- Retention prunes the levels with the 15-minute rollups. The cut (now - keep_rollups) usually falls inside an
-- hour and a day: the hourly and daily rows it falls in are recounted from the quarter-hours left in them, so
-- every level stays the exact sum of the 15-minute rollups right up to the cut.
alter function run_metrics_apply_retention(interval, interval, integer) rename to run_metrics_apply_retention_v5;

create function run_metrics_apply_retention(keep_outcomes interval, keep_rollups interval, weeks_ahead integer)
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
