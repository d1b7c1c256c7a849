-- The hourly and daily levels by version and trigger get keys that carry their figures, as V8 gave the totals
-- levels: metrics-api's reads of them become index-only scans.
--
-- Why: a workflow's detail breaks its range down by version (MetricsSql.VERSIONS), from the daily level for whole
-- days and the hourly level for the partial days at the edges. Those rows are written one run at a time as runs
-- arrive, so a workflow's rows lie about one to a heap page: on the 10-million-outcome data set the 30-day breakdown
-- of the busiest workflow read 116 daily and 94 hourly rows, 241 pages in all (122 of the daily level, 104 of the
-- hourly). Right after a large raw aggregation (the benchmark's judged requests, or a busy database) those pages
-- are no longer in PostgreSQL's buffers and each is a read; on a machine whose page cache does not hold them either,
-- a read from disk (150-190 us there). With the figures in the keys the statement reads 31-37 pages cold (10 leaf
-- pages of the daily key, ~20 of the hourly key), and a 30-day hourly trend ~150 instead of ~330.
--
-- The price is paid by ingest, as for V8: an update of these rows now changes indexed columns, so it is never a
-- HOT update and adds an entry to each of the table's indexes (README, "Benchmark", for what it cost). The keys are
-- replaced, not doubled by a second index. On a large existing table the rebuild holds an exclusive lock while it
-- runs (the benchmark's 3.2 million hourly rows: ~20 s), during which record transactions wait.
alter table workflow_run_rollups_hourly
    drop constraint workflow_run_rollups_hourly_pkey,
    add primary key (project_id, workflow_slug, bucket_start, workflow_id, trigger)
        include (workflow_version, succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms,
                 duration_hist);
alter table workflow_run_rollups_daily
    drop constraint workflow_run_rollups_daily_pkey,
    add primary key (project_id, workflow_slug, bucket_start, workflow_id, trigger)
        include (workflow_version, succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms,
                 duration_hist);
