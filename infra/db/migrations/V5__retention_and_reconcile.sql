-- Retention and reconciliation.
--
-- Raw outcomes are kept for a configured age (default 30 days) in weekly partitions that retention drops whole;
-- rollups, error rollups and the run-id ledger are kept longer (default 400 days) and then deleted. The all-time
-- counters (workflow_run_metrics) are never pruned: before rollups are deleted their counts are added to
-- workflow_run_pruned_counts, so that counters = pruned + rollups stays checkable forever.

create table workflow_run_pruned_counts (
    project_id uuid not null,
    workflow_id uuid not null,
    succeeded bigint not null default 0,
    failed bigint not null default 0,
    timed_out bigint not null default 0,
    canceled bigint not null default 0,
    test_runs bigint not null default 0,
    primary key (project_id, workflow_id)
);
alter table workflow_run_pruned_counts enable row level security;
revoke all on workflow_run_pruned_counts from public, anon, authenticated;
grant all on workflow_run_pruned_counts to service_role;

-- Drops outcome partitions entirely older than the outcome retention, prunes rollups, error rollups and the
-- ledger older than the rollup retention (keeping their counts), and creates the partitions of the coming weeks.
create function run_metrics_apply_retention(keep_outcomes interval, keep_rollups interval, weeks_ahead integer)
    returns table (action text, object text)
    language plpgsql
as $$
declare
    p record;
    rollup_cutoff timestamptz := now() - keep_rollups;
    upper_bound timestamptz;
begin
    for p in
        select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'public.workflow_run_outcomes'::regclass
    loop
        upper_bound := substring(p.bound from 'TO \(''([^'']+)''\)')::timestamptz;
        if upper_bound <= now() - keep_outcomes then
            execute format('drop table public.%I', p.relname);
            action := 'dropped partition'; object := p.relname; return next;
        end if;
    end loop;

    with pruned as (
        delete from workflow_run_rollups where bucket_start < rollup_cutoff
        returning project_id, workflow_id, trigger, succeeded, failed, timed_out, canceled
    ), sums as (
        select project_id, workflow_id,
            sum(succeeded) filter (where trigger <> 'test') as succeeded,
            sum(failed) filter (where trigger <> 'test') as failed,
            sum(timed_out) filter (where trigger <> 'test') as timed_out,
            sum(canceled) filter (where trigger <> 'test') as canceled,
            sum(succeeded + failed + timed_out + canceled) filter (where trigger = 'test') as test_runs
        from pruned group by project_id, workflow_id
    )
    insert into workflow_run_pruned_counts as t (project_id, workflow_id, succeeded, failed, timed_out, canceled,
                                                 test_runs)
    select project_id, workflow_id, coalesce(succeeded, 0), coalesce(failed, 0), coalesce(timed_out, 0),
        coalesce(canceled, 0), coalesce(test_runs, 0)
    from sums
    on conflict (project_id, workflow_id) do update set
        succeeded = t.succeeded + excluded.succeeded, failed = t.failed + excluded.failed,
        timed_out = t.timed_out + excluded.timed_out, canceled = t.canceled + excluded.canceled,
        test_runs = t.test_runs + excluded.test_runs;
    delete from workflow_run_error_rollups where bucket_start < rollup_cutoff;
    delete from workflow_run_outcome_keys where finished_at < rollup_cutoff;

    for i in 0..weeks_ahead loop
        action := 'ensured partition';
        object := run_metrics_ensure_outcome_partition(now() + make_interval(days => 7 * i));
        return next;
    end loop;
end
$$;

-- The raw outcomes that are complete: from the start of the oldest retained week that is inside the outcome
-- retention (older partitions may hold only late arrivals, which were counted but not stored raw).
create function run_metrics_raw_complete_since(keep_outcomes interval) returns timestamptz
    language sql stable
as $$
    select date_bin('7 days', now() - keep_outcomes, timestamptz '2000-01-03 00:00:00+00') + interval '7 days'
$$;

-- Rollup buckets whose counts differ from the raw outcomes (within the complete raw window), and counters that
-- differ from pruned + rollups. With repair, rewrites the drifted rows from their source of truth.
create function run_metrics_reconcile(keep_outcomes interval, repair boolean)
    returns table (kind text, project_id uuid, workflow text, bucket_start timestamptz, expected text, actual text)
    language plpgsql
as $$
declare
    since timestamptz := run_metrics_raw_complete_since(keep_outcomes);
begin
    create temporary table rm_expected_rollups on commit drop as
    select o.project_id, o.workflow_slug, date_bin('15 minutes', o.finished_at, timestamptz 'epoch') as bucket_start,
        o.workflow_id, o.trigger, max(o.workflow_version) as workflow_version,
        count(*) filter (where o.status = 'succeeded')::integer as succeeded,
        count(*) filter (where o.status = 'failed')::integer as failed,
        count(*) filter (where o.status = 'timed_out')::integer as timed_out,
        count(*) filter (where o.status = 'canceled')::integer as canceled,
        count(*) filter (where o.attempt > 1)::integer as retried,
        sum(o.duration_ms)::bigint as duration_sum_ms, max(o.duration_ms) as duration_max_ms,
        run_metrics_hist_sum(run_metrics_hist_one(run_metrics_duration_bucket(o.duration_ms))) as duration_hist,
        max(o.finished_at) as last_finished_at
    from workflow_run_outcomes o
    where o.finished_at >= since
    group by 1, 2, 3, 4, 5;

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
    where e.project_id is null or r.project_id is null
       or (e.succeeded, e.failed, e.timed_out, e.canceled, e.retried, e.duration_sum_ms, e.duration_max_ms)
          is distinct from (r.succeeded, r.failed, r.timed_out, r.canceled, r.retried, r.duration_sum_ms,
                            r.duration_max_ms)
       or run_metrics_hist_add(e.duration_hist, '{}') is distinct from run_metrics_hist_add(r.duration_hist, '{}');

    return query select 'rollup'::text, d.project_id, d.slug, d.bucket_start, d.expected, d.actual from rm_drift d;

    if repair then
        delete from workflow_run_rollups r using rm_drift d
        where r.project_id = d.project_id and r.workflow_slug = d.slug and r.bucket_start = d.bucket_start
          and r.workflow_id = d.workflow_id and r.trigger = d.trigger;
        insert into workflow_run_rollups
        select e.* from rm_expected_rollups e join rm_drift d
            on d.project_id = e.project_id and d.slug = e.workflow_slug and d.bucket_start = e.bucket_start
           and d.workflow_id = e.workflow_id and d.trigger = e.trigger;
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
end
$$;
