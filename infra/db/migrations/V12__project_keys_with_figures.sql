-- The totals levels' project-ordered indexes carry the figures, as their primary keys do since V8: a summary of
-- many workflows reads each range of the window once for the whole project, index-only (RollupReader.perProject).
--
-- Why: a summary read each range once per workflow (the primary keys lead with the workflow), and every such scan
-- reads at least one leaf page, however few rows it finds: the 30-day summary of a project's 50 workflows is ~4
-- ranges of hours and 2 of local days per workflow, 830-1,080 pages in all when they are not in PostgreSQL's
-- buffers (right after a large raw aggregation, or on a busy database), each a read from disk on a machine whose
-- page cache does not hold them. Read per project, a range of hours at an edge of the window is the rows of every
-- workflow side by side, a few leaf pages for all of them.
--
-- What it costs: nothing more per run recorded. An update of a totals row changes indexed columns since V8, so it
-- is never a HOT update and already adds an entry to every index of the table, this one included; the entries are
-- wider. The indexes are replaced, not doubled. On a large existing table the rebuild blocks writes to the table
-- while it runs.
drop index workflow_run_rollups_hourly_totals_project_time;
create index workflow_run_rollups_hourly_totals_project_time on workflow_run_rollups_hourly_totals
    (project_id, bucket_start)
    include (workflow_slug, succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms,
             duration_hist);
drop index workflow_run_rollups_local_daily_project_time;
create index workflow_run_rollups_local_daily_project_time on workflow_run_rollups_local_daily
    (project_id, start_minute, bucket_start)
    include (workflow_slug, succeeded, failed, timed_out, canceled, retried, duration_sum_ms, duration_max_ms,
             duration_hist);
