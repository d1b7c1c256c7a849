-- The reconcile check compares duration histograms cell by cell, as sets, instead of summing an expected histogram
-- for every row with a PL/pgSQL step per input row; and a duration's bucket is found without a logarithm.
--
-- Why: on the 1-million-outcome data set run_metrics_reconcile took 36-38 s, run_metrics_reconcile_levels 19-21 s
-- and run_metrics_reconcile_totals 15 s; on the 10-million-outcome one the whole check had not finished after
-- 35 min, and that data set must pass it. 31 s of the first went to building the expected rollups: per raw outcome
-- run_metrics_duration_bucket (a numeric logarithm, about 12 us a call, never inlined: least() is not strict) and
-- a step of run_metrics_hist_sum (V8's PL/pgSQL add); the same grouping without the histogram takes 3.6-4.7 s. The
-- levels and totals summed every 15-minute row's histogram the same way, and every compared row went through
-- run_metrics_hist_add(x, '{}') on both sides.
--
-- What a histogram comparison means now: a cell is a bucket of a row's histogram and the number of runs in it. The
-- expected cells are counted from the raw outcomes (each in the bucket of its duration) or added up from the cells
-- of the 15-minute rollups; the stored cells are the elements of duration_hist with their position. Both sides go
-- into one grouping by row and bucket, and a row's histogram drifts when some bucket's counts differ. Two
-- histograms are equal when every bucket counts the same number of runs: a missing element, a null and a 0 all
-- mean none. So a stored histogram with trailing zeros or nulls, or nulls for zeros, is no drift (V5's comparison,
-- run_metrics_hist_add(x, '{}') on both sides, reported trailing zeros; nulls it already read as 0). A row drifts
-- when it is missing on one side, when its figures differ (as before) or when its histogram does; the rows reported
-- and their expected/actual texts are as before. Repair rewrites the same rows with the same values: only for the
-- drifted rows (usually none) is the expected histogram built, with the same aggregate as before, each row from its
-- own raw outcomes or 15-minute rollups through their indexes.
--
-- The three functions run with jit off: their statements are estimated in the millions, so each was JIT-compiled
-- with inlining and optimisation (4.1 s of one 8.2 s statement) to run once.
--
-- Measured on the 1-million-outcome data set (run_metrics_bench1m, this 2-core machine, default settings, no
-- drift found), seconds for run_metrics_reconcile (120 days of raw) / _levels / _totals (400 days):
--   before: 35.7 / 20.6 / 15.0 (37.6 / 19.2 / 15.4 while another database loaded one core)
--   after:   8.7 / 11.6 /  9.7
-- What is left is mostly the grouping and joining that V5 to V7 did too (figures: 3.6 s of raw outcomes, 2-3 s per
-- level), and the cells' grouping (2.5-4 s per level); the statements plan as hash aggregates and hash joins, the
-- drift tables are analyzed before they are joined, and a repair reads the drifted rows' sources by index.

-- The bucket of a duration, as V2 defined it (1 + floor(4 * log2(1 + d)), at most 160), without the logarithm: the
-- array holds the smallest duration of buckets 2 .. 160, the least d with (1 + d)^4 >= 2^(k - 1) for bucket k,
-- and width_bucket counts how many of them d has reached (a negative d none: bucket 1, as V2's greatest(d, 0)).
-- The same result for every bigint: MigrationsTest checks it against V2's definition at each edge and three
-- durations either side (edges computed there in exact integer arithmetic), on every duration from -1,000 to
-- 200,000 ms, at powers of two and their neighbours up to 2^63 - 1, on 20,000 random ones and at the extremes.
-- Over the 1 million raw outcomes: 12.4 s before, 0.2 s now (about what reading the durations costs); it is now
-- inlined into the statements that call it, and the record statement calls it for every run too.
create or replace function run_metrics_duration_bucket(duration_ms bigint) returns integer
    language sql immutable strict parallel safe
as $$
    select 1 + width_bucket(duration_ms, '{1,1,1,1,2,2,3,3,4,5,6,7,9,11,13,15,19,22,26,31,38,45,53,63,76,90,107,127,152,181,
        215,255,304,362,430,511,608,724,861,1023,1217,1448,1722,2047,2435,2896,3444,4095,4870,5792,6888,8191,9741,11585,
        13777,16383,19483,23170,27554,32767,38967,46340,55108,65535,77935,92681,110217,131071,155871,185363,220435,262143,
        311743,370727,440871,524287,623487,741455,881743,1048575,1246974,1482910,1763487,2097151,2493948,2965820,3526975,
        4194303,4987896,5931641,7053950,8388607,9975792,11863283,14107900,16777215,19951584,23726566,28215801,33554431,
        39903169,47453132,56431603,67108863,79806338,94906265,112863206,134217727,159612677,189812531,225726412,268435455,
        319225354,379625062,451452825,536870911,638450708,759250124,902905650,1073741823,1276901416,1518500249,1805811301,
        2147483647,2553802833,3037000499,3611622602,4294967295,5107605667,6074000999,7223245205,8589934591,10215211334,
        12148001999,14446490411,17179869183,20430422668,24296003999,28892980822,34359738367,40860845336,48592007999,
        57785961645,68719476735,81721690673,97184015999,115571923290,137438953471,163443381347,194368031998,231143846581,
        274877906943,326886762694,388736063996,462287693163,549755813887,653773525389,777472127993,924575386326}'::bigint[])
$$;

-- Rollup buckets whose figures or duration histograms differ from the raw outcomes (within the complete raw
-- window), and counters that differ from pruned + rollups. With repair, rewrites the drifted rows from their source
-- of truth.
create or replace function run_metrics_reconcile(keep_outcomes interval, repair boolean)
    returns table (kind text, project_id uuid, workflow text, bucket_start timestamptz, expected text, actual text)
    language plpgsql
    set jit = off
as $$
declare
    since timestamptz := run_metrics_raw_complete_since(keep_outcomes);
begin
    -- the rollups' figures as the raw outcomes count them; the histograms are compared cell by cell below
    create temporary table rm_expected_rollups on commit drop as
    select o.project_id, o.workflow_slug, date_bin('15 minutes', o.finished_at, timestamptz 'epoch') as bucket_start,
        o.workflow_id, o.trigger, max(o.workflow_version) as workflow_version,
        count(*) filter (where o.status = 'succeeded')::integer as succeeded,
        count(*) filter (where o.status = 'failed')::integer as failed,
        count(*) filter (where o.status = 'timed_out')::integer as timed_out,
        count(*) filter (where o.status = 'canceled')::integer as canceled,
        count(*) filter (where o.attempt > 1)::integer as retried,
        sum(o.duration_ms)::bigint as duration_sum_ms, max(o.duration_ms) as duration_max_ms,
        max(o.finished_at) as last_finished_at
    from workflow_run_outcomes o
    where o.finished_at >= since
    group by 1, 2, 3, 4, 5;
    analyze rm_expected_rollups;

    -- the rollups with a histogram cell (a duration bucket) that holds another number of runs than the raw
    -- outcomes give it: each raw outcome counts one in its cell, each stored cell counts on the other side
    create temporary table rm_hist_drift on commit drop as
    select distinct c.project_id, c.workflow_slug, c.bucket_start, c.workflow_id, c.trigger
    from (
        select o.project_id, o.workflow_slug, date_bin('15 minutes', o.finished_at, timestamptz 'epoch') as bucket_start,
            o.workflow_id, o.trigger, run_metrics_duration_bucket(o.duration_ms)::bigint as bucket,
            1 as expected, null::integer as actual
        from workflow_run_outcomes o
        where o.finished_at >= since
        union all
        select x.project_id, x.workflow_slug, x.bucket_start, x.workflow_id, x.trigger, h.bucket, null, h.runs
        from workflow_run_rollups x cross join unnest(x.duration_hist) with ordinality h(runs, bucket)
        where x.bucket_start >= since and h.runs <> 0
    ) c
    group by c.project_id, c.workflow_slug, c.bucket_start, c.workflow_id, c.trigger, c.bucket
    having coalesce(sum(c.expected), 0) <> coalesce(sum(c.actual), 0);
    analyze rm_hist_drift;

    create temporary table rm_drift on commit drop as
    select coalesce(e.project_id, r.project_id) as project_id, coalesce(e.workflow_slug, r.workflow_slug) as slug,
        coalesce(e.bucket_start, r.bucket_start) as bucket_start, coalesce(e.workflow_id, r.workflow_id) as workflow_id,
        coalesce(e.trigger, r.trigger) as trigger,
        case when e.project_id is null then null else
            format('%s/%s/%s/%s', e.succeeded, e.failed, e.timed_out, e.canceled) end as expected,
        case when r.project_id is null then null else
            format('%s/%s/%s/%s', r.succeeded, r.failed, r.timed_out, r.canceled) end as actual
    from rm_expected_rollups e
    full join (select * from workflow_run_rollups x where x.bucket_start >= since) r
        on r.project_id = e.project_id and r.workflow_slug = e.workflow_slug and r.bucket_start = e.bucket_start
       and r.workflow_id = e.workflow_id and r.trigger = e.trigger
    left join rm_hist_drift h
        on h.project_id = e.project_id and h.workflow_slug = e.workflow_slug and h.bucket_start = e.bucket_start
       and h.workflow_id = e.workflow_id and h.trigger = e.trigger
    where e.project_id is null or r.project_id is null
       or (e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms)
          is distinct from (r.succeeded, r.failed, r.timed_out, r.canceled, r.retried, r.duration_sum_ms,
                            r.duration_max_ms)
       or h.project_id is not null;
    analyze rm_drift;

    return query select 'rollup'::text, d.project_id, d.slug, d.bucket_start, d.expected, d.actual from rm_drift d;

    if repair then
        delete from workflow_run_rollups r using rm_drift d
        where r.project_id = d.project_id and r.workflow_slug = d.slug and r.bucket_start = d.bucket_start
          and r.workflow_id = d.workflow_id and r.trigger = d.trigger;
        -- the histogram of each rewritten row is summed from its own raw outcomes, as the record statement does
        insert into workflow_run_rollups (project_id, workflow_slug, bucket_start, workflow_id, trigger,
            workflow_version, succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms,
            duration_hist, last_finished_at)
        select e.project_id, e.workflow_slug, e.bucket_start, e.workflow_id, e.trigger, e.workflow_version,
            e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms,
            h.duration_hist, e.last_finished_at
        from rm_expected_rollups e
        join rm_drift d
            on d.project_id = e.project_id and d.slug = e.workflow_slug and d.bucket_start = e.bucket_start
           and d.workflow_id = e.workflow_id and d.trigger = e.trigger
        cross join lateral (
            select run_metrics_hist_sum(run_metrics_hist_one(run_metrics_duration_bucket(o.duration_ms)))
            from workflow_run_outcomes o
            where o.project_id = e.project_id and o.workflow_slug = e.workflow_slug
              and o.finished_at >= e.bucket_start and o.finished_at < e.bucket_start + interval '15 minutes'
              and o.workflow_id = e.workflow_id and o.trigger = e.trigger
        ) h(duration_hist);
    end if;

    create temporary table rm_expected_counters on commit drop as
    select k.project_id, k.workflow_id,
        coalesce(p.succeeded, 0) + coalesce(r.succeeded, 0) as success_count,
        coalesce(p.failed, 0) + coalesce(p.timed_out, 0) + coalesce(r.failed, 0) + coalesce(r.timed_out, 0)
            as failure_count,
        coalesce(p.timed_out, 0) + coalesce(r.timed_out, 0) as timed_out_count,
        coalesce(p.canceled, 0) + coalesce(r.canceled, 0) as canceled_count,
        coalesce(p.test_runs, 0) + coalesce(r.test_runs, 0) as test_run_count
    from (select m.project_id, m.workflow_id from workflow_run_metrics m) k
    left join workflow_run_pruned_counts p on p.project_id = k.project_id and p.workflow_id = k.workflow_id
    left join (
        select x.project_id, x.workflow_id,
            sum(x.succeeded) filter (where x.trigger <> 'test') as succeeded,
            sum(x.failed) filter (where x.trigger <> 'test') as failed,
            sum(x.timed_out) filter (where x.trigger <> 'test') as timed_out,
            sum(x.canceled) filter (where x.trigger <> 'test') as canceled,
            sum(x.succeeded + x.failed + x.timed_out + x.canceled) filter (where x.trigger = 'test') as test_runs
        from workflow_run_rollups x group by x.project_id, x.workflow_id
    ) r on r.project_id = k.project_id and r.workflow_id = k.workflow_id;
    analyze rm_expected_counters;

    return query
    select 'counter'::text, m.project_id, m.workflow_slug, null::timestamptz,
        format('%s/%s/%s/%s/%s', e.success_count, e.failure_count, e.timed_out_count, e.canceled_count,
               e.test_run_count),
        format('%s/%s/%s/%s/%s', m.success_count, m.failure_count, m.timed_out_count, m.canceled_count,
               m.test_run_count)
    from workflow_run_metrics m join rm_expected_counters e
        on e.project_id = m.project_id and e.workflow_id = m.workflow_id
    where (e.success_count, e.failure_count, e.timed_out_count, e.canceled_count, e.test_run_count)
          is distinct from (m.success_count, m.failure_count, m.timed_out_count, m.canceled_count, m.test_run_count);

    if repair then
        update workflow_run_metrics m set success_count = e.success_count, failure_count = e.failure_count,
            timed_out_count = e.timed_out_count, canceled_count = e.canceled_count,
            test_run_count = e.test_run_count, last_updated = now()
        from rm_expected_counters e
        where e.project_id = m.project_id and e.workflow_id = m.workflow_id
          and (e.success_count, e.failure_count, e.timed_out_count, e.canceled_count, e.test_run_count)
              is distinct from (m.success_count, m.failure_count, m.timed_out_count, m.canceled_count,
                                m.test_run_count);
    end if;
    drop table rm_expected_rollups, rm_hist_drift, rm_drift, rm_expected_counters;
end
$$;

-- Levels whose rows differ from the 15-minute rollups they add up to (complete buckets after the rollup
-- retention's cut); with repair, rewritten from them.
create or replace function run_metrics_reconcile_levels(keep_rollups interval, repair boolean)
    returns table (kind text, project_id uuid, workflow text, bucket_start timestamptz, expected text, actual text)
    language plpgsql
    set jit = off
as $$
declare
    since timestamptz := date_bin('1 day', now() - keep_rollups, timestamptz 'epoch') + interval '1 day';
    level record;
begin
    for level in select * from (values ('hourly', interval '1 hour'), ('daily', interval '1 day')) v(name, len)
    loop
        -- the level rows with a histogram cell that holds another number of runs than the same cell of the
        -- 15-minute rollups they add up to
        execute format($q$
            create temporary table rm_level_hist_drift on commit drop as
            select distinct c.project_id, c.workflow_slug, c.bucket_start, c.workflow_id, c.trigger
            from (
                select x.project_id, x.workflow_slug, date_bin(%1$L, x.bucket_start, timestamptz 'epoch') as bucket_start,
                    x.workflow_id, x.trigger, h.bucket, h.runs as expected, null::integer as actual
                from workflow_run_rollups x cross join unnest(x.duration_hist) with ordinality h(runs, bucket)
                where x.bucket_start >= %2$L and h.runs <> 0
                union all
                select x.project_id, x.workflow_slug, x.bucket_start, x.workflow_id, x.trigger, h.bucket, null, h.runs
                from public.%3$I x cross join unnest(x.duration_hist) with ordinality h(runs, bucket)
                where x.bucket_start >= %2$L and h.runs <> 0
            ) c
            group by c.project_id, c.workflow_slug, c.bucket_start, c.workflow_id, c.trigger, c.bucket
            having coalesce(sum(c.expected), 0) <> coalesce(sum(c.actual), 0)
            $q$, level.len, since, 'workflow_run_rollups_' || level.name);
        analyze rm_level_hist_drift;

        -- the figures as run_metrics_rollup_level adds them up, without its histogram sum
        execute format($q$
            create temporary table rm_level_drift on commit drop as
            select coalesce(e.project_id, r.project_id) as project_id, coalesce(e.workflow_slug, r.workflow_slug) as slug,
                coalesce(e.bucket_start, r.bucket_start) as bucket_start, coalesce(e.workflow_id, r.workflow_id) as workflow_id,
                coalesce(e.trigger, r.trigger) as trigger,
                case when e.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', e.succeeded, e.failed, e.timed_out, e.canceled) end as expected,
                case when r.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', r.succeeded, r.failed, r.timed_out, r.canceled) end as actual
            from (
                select x.project_id, x.workflow_slug, date_bin(%1$L, x.bucket_start, timestamptz 'epoch') as bucket_start,
                    x.workflow_id, x.trigger, sum(x.succeeded)::integer as succeeded, sum(x.failed)::integer as failed,
                    sum(x.timed_out)::integer as timed_out, sum(x.canceled)::integer as canceled,
                    sum(x.retried)::integer as retried, sum(x.duration_sum_ms)::bigint as duration_sum_ms,
                    max(x.duration_max_ms) as duration_max_ms
                from workflow_run_rollups x
                where x.bucket_start >= %2$L
                group by 1, 2, 3, 4, 5
            ) e
            full join (select * from public.%3$I x where x.bucket_start >= %2$L) r
                on r.project_id = e.project_id and r.workflow_slug = e.workflow_slug and r.bucket_start = e.bucket_start
               and r.workflow_id = e.workflow_id and r.trigger = e.trigger
            left join rm_level_hist_drift h
                on h.project_id = e.project_id and h.workflow_slug = e.workflow_slug and h.bucket_start = e.bucket_start
               and h.workflow_id = e.workflow_id and h.trigger = e.trigger
            where e.project_id is null or r.project_id is null
               or (e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms)
                  is distinct from (r.succeeded, r.failed, r.timed_out, r.canceled, r.retried, r.duration_sum_ms,
                                    r.duration_max_ms)
               or h.project_id is not null
            $q$, level.len, since, 'workflow_run_rollups_' || level.name);
        analyze rm_level_drift;

        return query select 'rollup ' || level.name, d.project_id, d.slug, d.bucket_start, d.expected, d.actual
            from rm_level_drift d;

        if repair then
            execute format($q$
                delete from public.%I r using rm_level_drift d
                where r.project_id = d.project_id and r.workflow_slug = d.slug and r.bucket_start = d.bucket_start
                  and r.workflow_id = d.workflow_id and r.trigger = d.trigger
                $q$, 'workflow_run_rollups_' || level.name);
            -- each drifted row from the 15-minute rollups of its own bucket (offset 0 keeps the key conditions
            -- inside, where they reach the rollups' primary key)
            execute format($q$
                insert into public.%I
                select e.* from rm_level_drift d cross join lateral (
                    select * from run_metrics_rollup_level(%L, d.bucket_start, d.bucket_start + %2$L) l
                    where l.project_id = d.project_id and l.workflow_slug = d.slug and l.bucket_start = d.bucket_start
                      and l.workflow_id = d.workflow_id and l.trigger = d.trigger
                    offset 0
                ) e
                $q$, 'workflow_run_rollups_' || level.name, level.len);
        end if;
        drop table rm_level_hist_drift, rm_level_drift;
    end loop;
end
$$;

-- Hourly-total and local-day rows that differ from the 15-minute rollups they add up to (complete buckets after
-- the rollup retention's cut); with repair, rewritten from them.
create or replace function run_metrics_reconcile_totals(keep_rollups interval, repair boolean)
    returns table (kind text, project_id uuid, workflow text, bucket_start timestamptz, expected text, actual text)
    language plpgsql
    set jit = off
as $$
declare
    starts smallint[] := (select array_agg(s.start_minute) from run_metrics_local_day_starts s);
    -- a day of any start that begins here or later is complete and after the retention's cut
    since timestamptz := date_bin('1 day', now() - keep_rollups, timestamptz 'epoch') + interval '1 day';
    level record;
begin
    -- per level: its table, its key, the 15-minute rollups it adds up (x, joined to the day starts s where it has
    -- them) with the key's expressions over them, the row of one key as the source function gives it (d: a row
    -- of the drift), and the kind it is reported as
    for level in select * from (values
        ('workflow_run_rollups_hourly_totals', 'project_id, workflow_slug, bucket_start',
         'workflow_run_rollups x',
         $k$x.project_id, x.workflow_slug, date_bin('1 hour', x.bucket_start, timestamptz 'epoch')$k$,
         $k$run_metrics_hourly_totals(d.bucket_start, d.bucket_start + interval '1 hour')$k$,
         $k$'rollup hourly total'$k$),
        ('workflow_run_rollups_local_daily', 'project_id, workflow_slug, start_minute, bucket_start',
         format('workflow_run_rollups x cross join unnest(%L::smallint[]) as s(m)', starts),
         $k$x.project_id, x.workflow_slug, s.m, date_bin('1 day', x.bucket_start, timestamptz 'epoch' + make_interval(mins => s.m))$k$,
         $k$run_metrics_local_day_level(array[d.start_minute], d.bucket_start, d.bucket_start + interval '1 day')$k$,
         $k$'rollup local day ' || start_minute$k$)
    ) v(tab, keys, rollups, key_of_rollup, source, kind)
    loop
        -- the rows with a histogram cell that holds another number of runs than the same cell of the 15-minute
        -- rollups they add up to; the source's buckets that start before since would be read in part: left out
        execute format($q$
            create temporary table rm_totals_hist_drift on commit drop as
            select distinct %2$s
            from (
                select %4$s, h.bucket, h.runs as expected, null::integer as actual
                from %3$s cross join unnest(x.duration_hist) with ordinality h(runs, bucket)
                where x.bucket_start >= %5$L and x.trigger <> 'test' and h.runs <> 0
                union all
                select %2$s, h.bucket, null, h.runs
                from public.%1$I x cross join unnest(x.duration_hist) with ordinality h(runs, bucket)
                where x.bucket_start >= %5$L and h.runs <> 0
            ) c (%2$s, bucket, expected, actual)
            where c.bucket_start >= %5$L
            group by %2$s, c.bucket
            having coalesce(sum(c.expected), 0) <> coalesce(sum(c.actual), 0)
            $q$, level.tab, level.keys, level.rollups, level.key_of_rollup, since);
        analyze rm_totals_hist_drift;

        -- the figures as the source function adds them up, without its histogram sum
        execute format($q$
            create temporary table rm_totals_drift on commit drop as
            select %4$s as kind, %2$s,
                case when e.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', e.succeeded, e.failed, e.timed_out, e.canceled) end as expected,
                case when r.project_id is null then null else
                    format('%%s/%%s/%%s/%%s', r.succeeded, r.failed, r.timed_out, r.canceled) end as actual
            from (
                select %6$s, sum(x.succeeded)::integer, sum(x.failed)::integer, sum(x.timed_out)::integer,
                    sum(x.canceled)::integer, sum(x.retried)::integer, sum(x.duration_sum_ms)::bigint,
                    max(x.duration_max_ms)
                from %3$s
                where x.bucket_start >= %5$L and x.trigger <> 'test'
                group by %6$s
            ) e (%2$s, succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms)
            full join (select * from public.%1$I x where x.bucket_start >= %5$L) r using (%2$s)
            left join (select *, true as differs from rm_totals_hist_drift) h using (%2$s)
            where (e.project_id is null or r.project_id is null
               or (e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms)
                  is distinct from (r.succeeded, r.failed, r.timed_out, r.canceled, r.retried, r.duration_sum_ms,
                                    r.duration_max_ms)
               or h.differs)
              and bucket_start >= %5$L
            $q$, level.tab, level.keys, level.rollups, level.kind, since, level.key_of_rollup);
        analyze rm_totals_drift;

        return query select d.kind, d.project_id, d.workflow_slug, d.bucket_start, d.expected, d.actual
            from rm_totals_drift d;

        if repair then
            execute format('delete from public.%I where (%s) in (select %2$s from rm_totals_drift)',
                           level.tab, level.keys);
            -- each drifted row from the 15-minute rollups of its own bucket (offset 0 keeps the key conditions
            -- inside, where they reach the rollups' primary key)
            execute format($q$
                insert into public.%I
                select e.* from rm_totals_drift d cross join lateral (
                    select * from %s l where (%s) = (%s) offset 0
                ) e
                $q$, level.tab, level.source,
                (select string_agg('l.' || k, ', ') from unnest(string_to_array(level.keys, ', ')) k),
                (select string_agg('d.' || k, ', ') from unnest(string_to_array(level.keys, ', ')) k));
        end if;
        drop table rm_totals_hist_drift, rm_totals_drift;
    end loop;
end
$$;
