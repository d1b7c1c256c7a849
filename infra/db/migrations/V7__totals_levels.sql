-- Levels per workflow without the version and trigger dimensions, for unfiltered queries (every trigger but 'test',
-- every version: what a dashboard asks for unless told otherwise); a query that filters by trigger or version reads
-- the levels of V6. Both are the exact sums of the 15-minute rollups (all zone offsets are multiples of 15 minutes),
-- written by the same record statement in the same transaction, checked and repaired by run_metrics_reconcile_totals.
--
-- workflow_run_rollups_hourly_totals: one row per workflow and UTC hour. An hourly trend of a busy workflow reads
-- one row per hour instead of one per hour, version and trigger, and so do the partial days at the edges of a range.
--
-- workflow_run_rollups_local_daily: one row per workflow and local day, for each kept "day start": the minute of
-- the UTC day at which a zone's day begins (0 for UTC; 1095 = 18:15 for Asia/Kathmandu, +05:45). A day in such a
-- zone is then one row instead of 23 hourly and 4 quarter-hour rows per version and trigger. Day start 0 is always
-- kept; others on request (run_metrics_keep_local_days('Asia/Kathmandu')), because each kept day start is one
-- more row written per workflow and record transaction.

-- The levels below are filled from the 15-minute rollups: hold record transactions back until this commits, so
-- none lands between the fill and the end of the migration (runs recorded afterwards by a record-outcome that
-- does not know these levels yet are left for `repair`, see README "Deploy").
lock table workflow_run_rollups in share mode;

create table workflow_run_rollups_hourly_totals (
    project_id uuid not null,
    workflow_slug text not null,
    bucket_start timestamptz not null,
    succeeded integer not null default 0,
    failed integer not null default 0,
    timed_out integer not null default 0,
    canceled integer not null default 0,
    retried integer not null default 0,
    duration_sum_ms bigint not null default 0,
    duration_max_ms bigint not null default 0,
    duration_hist integer[] not null default '{}',
    last_finished_at timestamptz not null,
    primary key (project_id, workflow_slug, bucket_start)
);
-- many workflows over many ranges (metrics-api's LEVELS_BY_PROJECT)
create index workflow_run_rollups_hourly_totals_project_time
    on workflow_run_rollups_hourly_totals (project_id, bucket_start);

-- The hourly totals that the 15-minute rollups in [since, until) add up to.
create function run_metrics_hourly_totals(since timestamptz, until timestamptz)
    returns setof workflow_run_rollups_hourly_totals
    language sql stable
as $$
    select r.project_id, r.workflow_slug, date_bin('1 hour', r.bucket_start, timestamptz 'epoch'),
        sum(r.succeeded)::integer, sum(r.failed)::integer, sum(r.timed_out)::integer, sum(r.canceled)::integer,
        sum(r.retried)::integer, sum(r.duration_sum_ms)::bigint, max(r.duration_max_ms),
        run_metrics_hist_sum(r.duration_hist), max(r.last_finished_at)
    from workflow_run_rollups r
    where r.bucket_start >= since and r.bucket_start < until and r.trigger <> 'test'
    group by 1, 2, 3
$$;

insert into workflow_run_rollups_hourly_totals select * from run_metrics_hourly_totals('-infinity', 'infinity');

create table run_metrics_local_day_starts (
    start_minute smallint primary key check (start_minute >= 0 and start_minute < 1440 and start_minute % 15 = 0)
);
insert into run_metrics_local_day_starts values (0);
-- the record statement joins this table: without statistics the planner guesses ~2,500 rows, and the inflated
-- cost switched on JIT compilation (70 ms a statement)
analyze run_metrics_local_day_starts;

-- the hourly totals' columns, with the day start (last, after last_finished_at) in the key
create table workflow_run_rollups_local_daily (
    like workflow_run_rollups_hourly_totals including defaults including constraints,
    start_minute smallint not null,
    primary key (project_id, workflow_slug, start_minute, bucket_start)
);
-- many workflows over many ranges (metrics-api's LEVELS_BY_PROJECT)
create index workflow_run_rollups_local_daily_project_time
    on workflow_run_rollups_local_daily (project_id, start_minute, bucket_start);

do $$
declare
    t text;
begin
    foreach t in array array['workflow_run_rollups_hourly_totals', 'workflow_run_rollups_local_daily']
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
-- which day starts are kept is no tenant's data: metrics-api reads it as the user to plan its reads
alter table run_metrics_local_day_starts enable row level security;
revoke all on run_metrics_local_day_starts from public, anon, authenticated;
grant select on run_metrics_local_day_starts to authenticated, service_role;
create policy run_metrics_local_day_starts_read on run_metrics_local_day_starts for select using (true);

-- The local-day rows that the 15-minute rollups in [since, until) add up to, for the given day starts.
create function run_metrics_local_day_level(starts smallint[], since timestamptz, until timestamptz)
    returns setof workflow_run_rollups_local_daily
    language sql stable
as $$
    select r.project_id, r.workflow_slug,
        date_bin('1 day', r.bucket_start, timestamptz 'epoch' + make_interval(mins => s.m)),
        sum(r.succeeded)::integer, sum(r.failed)::integer, sum(r.timed_out)::integer, sum(r.canceled)::integer,
        sum(r.retried)::integer, sum(r.duration_sum_ms)::bigint, max(r.duration_max_ms),
        run_metrics_hist_sum(r.duration_hist), max(r.last_finished_at), s.m
    from workflow_run_rollups r cross join unnest(starts) as s(m)
    where r.bucket_start >= since and r.bucket_start < until and r.trigger <> 'test'
    group by 1, 2, 3, s.m
$$;

insert into workflow_run_rollups_local_daily
select * from run_metrics_local_day_level(array[0]::smallint[], '-infinity', 'infinity');

-- Keeps local days for a zone: every day start the zone has had or will have from last year to next year (two
-- for a zone with daylight saving time). Written from the 15-minute rollups, under a lock that waits for the
-- record statements in flight and holds new ones back meanwhile, so no run is counted twice or missed.
-- Returns the day starts added.
create function run_metrics_keep_local_days(zone text) returns setof smallint
    language plpgsql
as $$
declare
    added smallint[];
begin
    lock table workflow_run_rollups in share mode;
    with starts as (
        -- the zone's offset at d is its wall time minus UTC's; its day starts at minus that, modulo a day
        select distinct (((- extract(epoch from (d at time zone zone) - (d at time zone 'UTC')) / 60)::integer
                          % 1440 + 1440) % 1440)::smallint as m
        from generate_series(date_trunc('year', now()) - interval '1 year',
                             date_trunc('year', now()) + interval '2 years', interval '1 day') d
    ), inserted as (
        insert into run_metrics_local_day_starts select m from starts on conflict do nothing returning start_minute
    )
    select coalesce(array_agg(start_minute), '{}') into added from inserted;
    insert into workflow_run_rollups_local_daily
    select * from run_metrics_local_day_level(added, '-infinity', 'infinity');
    analyze run_metrics_local_day_starts;
    return query select unnest(added);
end
$$;

-- Stops keeping a day start (never 0) and deletes its rows.
create function run_metrics_drop_local_days(start_minute smallint) returns void
    language plpgsql
as $$
begin
    if start_minute = 0 then
        raise exception 'day start 0 (UTC) is always kept';
    end if;
    delete from run_metrics_local_day_starts s where s.start_minute = run_metrics_drop_local_days.start_minute;
    delete from workflow_run_rollups_local_daily r where r.start_minute = run_metrics_drop_local_days.start_minute;
    analyze run_metrics_local_day_starts;
end
$$;

-- Hourly-total and local-day rows that differ from the 15-minute rollups they add up to (complete buckets after
-- the rollup retention's cut); with repair, rewritten from them.
create function run_metrics_reconcile_totals(keep_rollups interval, repair boolean)
    returns table (kind text, project_id uuid, workflow text, bucket_start timestamptz, expected text, actual text)
    language plpgsql
as $$
declare
    starts smallint[] := (select array_agg(s.start_minute) from run_metrics_local_day_starts s);
    -- a day of any start that begins here or later is complete and after the retention's cut
    since timestamptz := date_bin('1 day', now() - keep_rollups, timestamptz 'epoch') + interval '1 day';
    level record;
begin
    for level in select * from (values
        ('workflow_run_rollups_hourly_totals', 'project_id, workflow_slug, bucket_start',
         format('run_metrics_hourly_totals(%L, %L)', since, 'infinity'), $k$'rollup hourly total'$k$),
        ('workflow_run_rollups_local_daily', 'project_id, workflow_slug, start_minute, bucket_start',
         format('run_metrics_local_day_level(%L::smallint[], %L, %L)', starts, since, 'infinity'),
         $k$'rollup local day ' || start_minute$k$)
    ) v(tab, keys, source, kind)
    loop
        -- the source's buckets that start before since would be read in part: left out
        execute format($q$
            create temporary table rm_totals_drift on commit drop as
            select %4$s as kind, %2$s,
                case when e.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', e.succeeded, e.failed, e.timed_out, e.canceled) end as expected,
                case when r.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', r.succeeded, r.failed, r.timed_out, r.canceled) end as actual
            from (select * from %3$s x where x.bucket_start >= %5$L) e
            full join (select * from public.%1$I x where x.bucket_start >= %5$L) r using (%2$s)
            where e.project_id is null or r.project_id is null
               or (e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms)
                  is distinct from (r.succeeded, r.failed, r.timed_out, r.canceled, r.retried, r.duration_sum_ms,
                                    r.duration_max_ms)
               or run_metrics_hist_add(e.duration_hist, '{}') is distinct from run_metrics_hist_add(r.duration_hist, '{}')
            $q$, level.tab, level.keys, level.source, level.kind, since);

        return query select d.kind, d.project_id, d.workflow_slug, d.bucket_start, d.expected, d.actual
            from rm_totals_drift d;

        if repair then
            execute format('delete from public.%I where (%s) in (select %2$s from rm_totals_drift)',
                           level.tab, level.keys);
            execute format('insert into public.%I select * from %s e where (%s) in (select %3$s from rm_totals_drift)',
                           level.tab, level.source, level.keys);
        end if;
        drop table rm_totals_drift;
    end loop;
end
$$;

-- Retention prunes the hourly totals and local days with the other levels; the hour and the day of each kept start
-- that the cut falls in are recounted from the quarter-hours left in them, so the levels stay the exact sums of
-- the 15-minute rollups up to the cut.
alter function run_metrics_apply_retention(interval, interval, integer) rename to run_metrics_apply_retention_v6;

create function run_metrics_apply_retention(keep_outcomes interval, keep_rollups interval, weeks_ahead integer)
    returns table (action text, object text)
    language plpgsql
as $$
declare
    cut timestamptz := now() - keep_rollups; -- now() is the transaction's start: the cut of the v6 function
    s record;
    edge timestamptz;
begin
    return query select * from run_metrics_apply_retention_v6(keep_outcomes, keep_rollups, weeks_ahead);
    edge := date_bin('1 hour', cut, timestamptz 'epoch');
    delete from workflow_run_rollups_hourly_totals r where r.bucket_start <= edge;
    insert into workflow_run_rollups_hourly_totals select * from run_metrics_hourly_totals(edge, edge + interval '1 hour');
    for s in select start_minute from run_metrics_local_day_starts loop
        edge := date_bin('1 day', cut, timestamptz 'epoch' + make_interval(mins => s.start_minute));
        delete from workflow_run_rollups_local_daily r
        where r.start_minute = s.start_minute and r.bucket_start <= edge;
        insert into workflow_run_rollups_local_daily
        select * from run_metrics_local_day_level(array[s.start_minute], edge, edge + interval '1 day');
    end loop;
end
$$;

-- The latest failed runs of a workflow (metrics-api's RECENT_FAILURES) without walking back through its successes:
-- a busy, healthy workflow has hundreds of successes per failure.
create index workflow_run_outcomes_failures on workflow_run_outcomes (project_id, workflow_slug, finished_at)
    where status in ('failed', 'timed_out');
