-- A second, narrow index on the hourly totals: the figures without the duration histogram. metrics-api's reads of
-- many hours of one workflow that do not need the histograms (a 30-day hourly trend: 720 rows, whose histograms it
-- reads from whole days instead, MetricsSql.HISTOGRAMS) never name duration_hist (MetricsSql.WINDOW_COUNTS), and
-- PostgreSQL answers them index-only from this index.
--
-- Why: the primary key carries the histograms (V8), which are most of each entry: on the 10-million-outcome data
-- set a 30-day hourly trend of the busiest workflow read 35 leaf pages of the key for its 742 hourly rows. Right
-- after a large raw aggregation those pages are no longer in PostgreSQL's buffers, and on a machine whose page cache
-- does not keep them either, each is a read from disk (~100 us there); the same rows lie on about a quarter as many
-- pages of this index.
--
-- What it costs: an update of an hourly totals row changes indexed columns (V8), so it is never a HOT update and
-- adds an entry to each of the table's indexes, this one included: one more index entry per workflow and hour that
-- a record transaction touches (README, "Benchmark", for what it cost). On a large existing table the build holds a
-- lock that blocks writes to the table while it runs.
create index workflow_run_rollups_hourly_totals_counts on workflow_run_rollups_hourly_totals
    (project_id, workflow_slug, bucket_start)
    include (succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms);
