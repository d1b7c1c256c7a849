-- A workflow's top error codes are ranked from the error rollups' key alone, and each kept code's sample message is
-- found through an index of the rows that have one (MetricsSql.TOP_ERRORS).
--
-- Why: an error rollup row (workflow, hour, code) is inserted when the hour's first failure with that code arrives,
-- between the rows of every other workflow that fails in that hour: on a live database a workflow's rows lie about
-- one to a heap page. The ranking read every row's heap page for its occurrences, time last seen and message: on
-- the 10-million-outcome data set with its error rollups laid out in arrival order, a 30-day detail of the busiest
-- workflow read 695 pages cold for 916 rows (PostgreSQL restarted, page cache dropped), against 20 with this
-- migration. Cold pages are what a detail page meets right after a large aggregation or on a busy database (each a
-- read from disk at 100-240 us on slower machines of the benchmark's kind).
--
-- 1. The key carries the occurrences and the time last seen: the ranking is an index-only scan of the workflow's
--    range of hours.
-- 2. A partial index of the rows that have a sample message, by code and hour: the latest message of each of the
--    ten codes kept is one descent and one heap page, also for a code that seldom or never has a message (a scan
--    of the key would fetch every one of that code's rows from the heap to find none).
--
-- What it costs: only failed runs write error rollups. An update of an error row now changes an indexed column
-- (occurrences), so it is never a HOT update and adds an entry to the key and, when the row has a message, to the
-- partial index (README, "Benchmark", for what it cost). On a large existing table the key's rebuild blocks writes
-- to the error rollups while it runs (about a second for the data set's 270,000 rows, 32 MB); create the partial
-- index first with CREATE INDEX CONCURRENTLY (same name and definition), which this migration then finds.
alter table workflow_run_error_rollups
    drop constraint workflow_run_error_rollups_pkey,
    add primary key (project_id, workflow_slug, bucket_start, error_code) include (occurrences, last_seen_at);
create index if not exists workflow_run_error_rollups_samples on workflow_run_error_rollups
    (project_id, workflow_slug, error_code, bucket_start) where sample_message is not null;
