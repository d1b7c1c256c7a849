-- Long series over many workflows in zones whose days do not start on a UTC hour (Asia/Kathmandu, Asia/Kolkata)
-- read each of their many short ranges once per project rather than once per workflow (metrics-api's
-- LEVELS_BY_PROJECT); the 15-minute rollups have had this index since V2.
create index workflow_run_rollups_hourly_project_time on workflow_run_rollups_hourly (project_id, bucket_start);
create index workflow_run_rollups_daily_project_time on workflow_run_rollups_daily (project_id, bucket_start);
