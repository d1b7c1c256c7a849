-- A second, narrow index on the hourly totals: the figures without the duration histogram. metrics-api's reads of
-- many hours of one workflow that do not need the histograms (a 30-day hourly trend: 720 rows, whose histograms it
-- reads from whole days instead, MetricsSql.HISTOGRAMS) never name duration_hist (MetricsSql.WINDOW_COUNTS), and
-- PostgreSQL answers them index-only from this index.
--
-- Why: the primary key carries the histograms (V8), about half of each entry: on the 10-million-outcome data
-- set a 30-day hourly trend of the busiest workflow read 31 pages of the key for its 719 hourly rows right after a
-- large raw aggregation (no longer in PostgreSQL's buffers, and on a machine whose page cache does not keep them
-- either, each a read from disk at 100-240 us there); from this index, 15 (202 MB beside the key's 401 MB).
--
-- What it costs: an update of an hourly totals row changes indexed columns (V8), so it is never a HOT update and
-- adds an entry to each of the table's indexes, this one included: one more index entry per workflow and hour that
-- a record transaction touches (README, "Benchmark", for what it cost). On a large existing table the build holds a
-- lock that blocks writes to the table while it runs: there, create the index first with CREATE INDEX CONCURRENTLY
-- (same name and definition), which this migration then finds (README, "Database and migrations").
create index if not exists workflow_run_rollups_hourly_totals_counts on workflow_run_rollups_hourly_totals
    (project_id, workflow_slug, bucket_start)
    include (succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms);
