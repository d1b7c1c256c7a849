-- Run outcomes, the idempotency ledger, the per-workflow counters (the PRD's workflow_run_metrics), the
-- 15-minute rollups with a duration histogram, and the hourly error rollups.
--
-- Why a separate ledger: workflow_run_outcomes is range-partitioned by finished_at so that retention drops
-- whole partitions, and a unique key on a partitioned table must include the partition key. A unique
-- (run_id, finished_at) would let the same run id with another finishedAt count twice, and it would vanish
-- with the partition. workflow_run_outcome_keys holds one narrow row per run id (unique on run_id alone),
-- with a fingerprint of the outcome, and is kept as long as the rollups (400 days): an outcome older than
-- that is refused at the door, so no run id can ever be counted twice, even after its raw row is gone.

create table workflow_run_outcome_keys (
    run_id uuid primary key,
    project_id uuid not null,
    fingerprint uuid not null,
    finished_at timestamptz not null,
    recorded_at timestamptz not null default now()
);
create index workflow_run_outcome_keys_finished on workflow_run_outcome_keys (finished_at);

create table workflow_run_outcomes (
    project_id uuid not null,
    workflow_slug text not null,
    finished_at timestamptz not null,
    run_id uuid not null,
    workflow_id uuid not null,
    workflow_version integer not null,
    status text not null check (status in ('succeeded', 'failed', 'canceled', 'timed_out')),
    trigger text not null check (trigger in ('webhook', 'schedule', 'manual', 'replay', 'test')),
    attempt integer not null check (attempt >= 1),
    retry_of uuid,
    started_at timestamptz not null,
    duration_ms bigint not null check (duration_ms >= 0),
    error_code text,
    error_message text,
    error_step text,
    recorded_at timestamptz not null default now()
) partition by range (finished_at);
create index workflow_run_outcomes_workflow on workflow_run_outcomes (project_id, workflow_slug, finished_at);

-- The PRD's table: counters per workflow version (workflow_definitions.id), all time, updated in the same
-- transaction as the outcome. failure_count counts failed and timed_out runs (the failure rate's
-- numerator); timed_out_count is the part of it that timed out. Runs triggered as 'test' are kept out of
-- these counts and counted in test_run_count.
create table workflow_run_metrics (
    project_id uuid not null,
    workflow_id uuid not null,
    workflow_slug text not null,
    workflow_version integer not null,
    success_count bigint not null default 0,
    failure_count bigint not null default 0,
    timed_out_count bigint not null default 0,
    canceled_count bigint not null default 0,
    test_run_count bigint not null default 0,
    last_run_id uuid,
    last_run_at timestamptz,
    last_run_status text,
    last_updated timestamptz not null default now(),
    primary key (project_id, workflow_id)
);
create index workflow_run_metrics_slug on workflow_run_metrics (project_id, workflow_slug);

-- Counts per workflow version, trigger and 15-minute bucket of finished_at (UTC). Every IANA offset is a
-- multiple of 15 minutes, so a local day, hour or week in any zone is an exact union of these buckets.
-- duration_hist[i] counts runs whose duration d (ms) has 1 + floor(4 * log2(1 + d)) = i: bucket edges grow
-- by 2^(1/4), so a percentile read from it is within about 9% of the true value.
create table workflow_run_rollups (
    project_id uuid not null,
    workflow_slug text not null,
    bucket_start timestamptz not null,
    workflow_id uuid not null,
    trigger text not null,
    workflow_version integer not null,
    succeeded integer not null default 0,
    failed integer not null default 0,
    timed_out integer not null default 0,
    canceled integer not null default 0,
    retried integer not null default 0,
    duration_sum_ms bigint not null default 0,
    duration_max_ms bigint not null default 0,
    duration_hist integer[] not null default '{}',
    last_finished_at timestamptz not null,
    primary key (project_id, workflow_slug, bucket_start, workflow_id, trigger)
);
create index workflow_run_rollups_project_time on workflow_run_rollups (project_id, bucket_start);

-- Failures per workflow, error code and hour: the top errors of a range without reading raw runs.
create table workflow_run_error_rollups (
    project_id uuid not null,
    workflow_slug text not null,
    bucket_start timestamptz not null,
    error_code text not null,
    occurrences integer not null default 0,
    sample_message text,
    last_seen_at timestamptz not null,
    primary key (project_id, workflow_slug, bucket_start, error_code)
);

-- Histogram helpers, used by the recorder, the queries and the reconcile check alike.
create function run_metrics_duration_bucket(duration_ms bigint) returns integer
    language sql immutable strict parallel safe
as $$
    select least(160, 1 + floor(4 * log(2, 1 + greatest(duration_ms, 0)::numeric))::integer)
$$;

create function run_metrics_hist_one(bucket integer) returns integer[]
    language sql immutable strict parallel safe
as $$
    select array_fill(0, array[bucket - 1]) || 1
$$;

create function run_metrics_hist_add(a integer[], b integer[]) returns integer[]
    language sql immutable parallel safe
as $$
    select coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) order by i), '{}')
    from generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) as i
$$;

create aggregate run_metrics_hist_sum(integer[]) (
    sfunc = run_metrics_hist_add,
    stype = integer[],
    initcond = '{}'
);

-- Weekly partitions of the raw outcomes (weeks start on Monday 00:00 UTC), created on demand by the
-- recorder and ahead of time by maintenance. A new partition gets RLS with no policy of its own and no
-- grants, so it can only be read through the parent, where the tenant policy applies.
create function run_metrics_ensure_outcome_partition(at timestamptz) returns text
    language plpgsql
as $$
declare
    week_start timestamptz := date_bin('7 days', at, timestamptz '2000-01-03 00:00:00+00');
    partition_name text := 'workflow_run_outcomes_p' || to_char(week_start at time zone 'UTC', 'YYYYMMDD');
begin
    if to_regclass('public.' || partition_name) is null then
        begin
            execute format('create table public.%I partition of public.workflow_run_outcomes'
                               || ' for values from (%L) to (%L)',
                           partition_name, week_start, week_start + interval '7 days');
            execute format('alter table public.%I enable row level security', partition_name);
            execute format('revoke all on public.%I from public, anon, authenticated', partition_name);
        exception
            when duplicate_table or unique_violation then null; -- created concurrently by another recorder
        end;
    end if;
    return partition_name;
end
$$;
