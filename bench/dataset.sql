-- The query benchmark's data set: RUNS outcomes of WORKFLOWS workflows in PROJECTS projects over DAYS days up to
-- now, written consistently into raw outcomes, the ledger, counters, 15-minute rollups, hourly, daily and local-day levels
-- and error rollups (run_metrics_reconcile finds nothing). Run by bench/queries.sh with psql -v runs=… etc.
--
-- The mix: workflow w's share of the runs falls off like a power law (w = 0 gets ~6%, the median workflow
-- ~0.03%); one in twenty workflows fails in bursts (3 hours in every 37 at 70%, else 2%), one in five is flaky
-- (12%), the rest healthy (0.5%); a fifth of failures time out, 0.5% of runs are canceled; 80% of runs come by
-- webhook, 15% by schedule, 4% manual, 1% replay; 5% are second attempts; versions change every 30 days;
-- durations are log-normal around a per-workflow median between 0.2 s and 5 s.
\set ON_ERROR_STOP on
set work_mem = '256MB';
set maintenance_work_mem = '1GB';
set synchronous_commit = off;

create temporary table bench_workflows as
select w,
    md5('bench-project-' || (w % :projects))::uuid as project_id,
    'workflow-' || lpad(w::text, 4, '0') as slug,
    case when w % 20 = 7 then 'bursty' when w % 5 = 1 then 'flaky' else 'healthy' end as kind,
    200 + (w * 7919) % 4800 as median_ms
from generate_series(0, :workflows - 1) w;

insert into projects (id, owner, name)
select distinct project_id, :'owner'::uuid, 'bench project ' || (w % :projects) from bench_workflows
on conflict (id) do nothing;

select count(run_metrics_ensure_outcome_partition(t))
from generate_series(now() - make_interval(days => :days), now() + interval '7 days', interval '7 days') t;

\echo raw outcomes
insert into workflow_run_outcomes (project_id, workflow_slug, finished_at, run_id, workflow_id, workflow_version,
    status, trigger, attempt, retry_of, started_at, duration_ms, error_code, error_message, error_step)
select w.project_id, w.slug, g.finished_at, gen_random_uuid(),
    md5(w.slug || '/' || g.version)::uuid, g.version,
    g.status, g.trigger, case when g.r4 < 0.05 then 2 else 1 end, case when g.r4 < 0.05 then gen_random_uuid() end,
    g.finished_at - make_interval(secs => g.duration_ms / 1000.0), g.duration_ms,
    case when g.status = 'failed' then (array['HTTP_502', 'HTTP_500', 'DB_LOCK_TIMEOUT', 'VALIDATION', 'RATE_LIMITED'])[1 + (g.r5 * 5)::int % 5] end,
    case when g.status = 'failed' then 'step failed: ' || (array['upstream returned 502', 'upstream returned 500', 'lock wait timeout', 'payload rejected', 'too many requests'])[1 + (g.r5 * 5)::int % 5] end,
    case when g.status in ('failed', 'timed_out') then 'step-' || (1 + (g.r5 * 100)::int % 4) end
from (
    select x.*, (1 + (extract(epoch from x.finished_at)::bigint / (30 * 86400) + x.wi) % 3)::int as version,
        case
            when x.r2 < 0.005 then 'canceled'
            when x.r2 < 0.005 + case x.kind
                    when 'bursty' then case when (extract(epoch from x.finished_at)::bigint / 3600) % 37 < 3 then 0.7 else 0.02 end
                    when 'flaky' then 0.12 else 0.005 end
                then case when x.r5 < 0.2 then 'timed_out' else 'failed' end
            else 'succeeded'
        end as status,
        case when x.r3 < 0.80 then 'webhook' when x.r3 < 0.95 then 'schedule' when x.r3 < 0.99 then 'manual' else 'replay' end
            as trigger,
        greatest(1, round(x.median_ms * exp(0.8 * sqrt(-2 * ln(1 - x.r6)) * cos(2 * pi() * x.r7))))::bigint as duration_ms
    from (
        select p.wi, bw.kind, bw.median_ms,
            now() - make_interval(secs => random() * :days * 86400) as finished_at,
            random() as r2, random() as r3, random() as r4, random() as r5, random() as r6, random() as r7
        from (select least(:workflows - 1, floor(:workflows * power(random(), 2.5)))::int as wi
              from generate_series(1, :runs)) p
        join bench_workflows bw on bw.w = p.wi
    ) x
) g
join bench_workflows w on w.w = g.wi;

\echo ledger
insert into workflow_run_outcome_keys (run_id, project_id, fingerprint, finished_at)
select run_id, project_id, md5(run_id::text)::uuid, finished_at from workflow_run_outcomes
where project_id in (select project_id from bench_workflows);

\echo rollups: 15 minutes, hourly, daily
\set level '15 minutes'
\set level_table workflow_run_rollups
\ir dataset-rollups.sql
\set level '1 hour'
\set level_table workflow_run_rollups_hourly
\ir dataset-rollups.sql
\set level '1 day'
\set level_table workflow_run_rollups_daily
\ir dataset-rollups.sql
\echo hourly totals (from the 15-minute rollups)
insert into workflow_run_rollups_hourly_totals select * from run_metrics_hourly_totals('-infinity', 'infinity');
\echo local days (from the 15-minute rollups, for every kept day start)
insert into workflow_run_rollups_local_daily
select * from run_metrics_local_day_level((select array_agg(start_minute) from run_metrics_local_day_starts),
    '-infinity', 'infinity');

\echo counters
insert into workflow_run_metrics (project_id, workflow_id, workflow_slug, workflow_version, success_count,
    failure_count, timed_out_count, canceled_count, test_run_count, last_run_id, last_run_at, last_run_status)
select c.project_id, c.workflow_id, c.workflow_slug, c.workflow_version, c.s, c.f, c.t, c.c, 0, l.run_id,
    l.finished_at, l.status
from (
    select project_id, workflow_id, max(workflow_slug) as workflow_slug, max(workflow_version) as workflow_version,
        count(*) filter (where status = 'succeeded') as s,
        count(*) filter (where status in ('failed', 'timed_out')) as f,
        count(*) filter (where status = 'timed_out') as t, count(*) filter (where status = 'canceled') as c
    from workflow_run_outcomes where project_id in (select project_id from bench_workflows)
    group by 1, 2
) c
join lateral (
    select o.run_id, o.finished_at, o.status from workflow_run_outcomes o
    where o.project_id = c.project_id and o.workflow_slug = c.workflow_slug and o.workflow_id = c.workflow_id
    order by o.finished_at desc, o.run_id desc limit 1
) l on true;

\echo error rollups
-- in the order their hours' first failures arrive, as a live database inserts them: a workflow's rows lie about one
-- to a heap page among every other workflow's, not side by side (V15, and the eighth session in README "Benchmark")
insert into workflow_run_error_rollups (project_id, workflow_slug, bucket_start, error_code, occurrences,
    sample_message, last_seen_at)
select project_id, workflow_slug, date_bin('1 hour', finished_at, timestamptz 'epoch'),
    coalesce(error_code, case when status = 'timed_out' then 'TIMED_OUT' else 'UNSPECIFIED' end), count(*),
    (array_agg(error_message order by finished_at desc) filter (where error_message is not null))[1],
    max(finished_at)
from workflow_run_outcomes
where project_id in (select project_id from bench_workflows) and status in ('failed', 'timed_out')
group by 1, 2, 3, 4
order by min(finished_at);

-- as autovacuum would have by the time anyone queries: visibility map set, statistics fresh
vacuum analyze;
select count(*) as outcomes, count(distinct workflow_slug) as workflows, count(distinct project_id) as projects,
    min(finished_at)::date as first_day, max(finished_at)::date as last_day
from workflow_run_outcomes;
