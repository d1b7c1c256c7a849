-- One rollup level of the benchmark's data set from its raw outcomes (included by dataset.sql with :level and
-- :level_table set): counts, duration sum and max, and the duration histogram built from (bucket, count) pairs
-- (empty buckets null, as the record path writes them since V13).
insert into :level_table (project_id, workflow_slug, bucket_start, workflow_id, trigger, workflow_version,
    succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms, duration_hist,
    last_finished_at)
select project_id, workflow_slug, bucket_start, workflow_id, trigger, max(workflow_version), sum(s), sum(f), sum(t),
    sum(c), sum(r), sum(d), max(m),
    (select array_agg((jsonb_object_agg(i, n) ->> g::text)::integer order by g)
     from generate_series(1, max(i)) g),
    max(l)
from (
    select project_id, workflow_slug, date_bin(:'level', finished_at, timestamptz 'epoch') as bucket_start,
        workflow_id, trigger, max(workflow_version) as workflow_version,
        count(*) filter (where status = 'succeeded') as s, count(*) filter (where status = 'failed') as f,
        count(*) filter (where status = 'timed_out') as t, count(*) filter (where status = 'canceled') as c,
        count(*) filter (where attempt > 1) as r, sum(duration_ms) as d, max(duration_ms) as m,
        run_metrics_duration_bucket(duration_ms) as i, count(*) as n, max(finished_at) as l
    from workflow_run_outcomes
    where project_id in (select project_id from bench_workflows)
    group by 1, 2, 3, 4, 5, i
) per_duration_bucket
group by 1, 2, 3, 4, 5;
