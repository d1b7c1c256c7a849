-- Row-level security: a user (role authenticated) sees exactly the rows of the projects that
-- user_project_ids() gives them, and writes nothing; the functions write as the service (table owner or
-- service_role). Supabase's default privileges grant everything on new public tables to anon and
-- authenticated: we take that back and grant only what the policies need (TRUNCATE ignores RLS).
do $$
declare
    t text;
begin
    foreach t in array array['workflow_run_outcome_keys', 'workflow_run_outcomes', 'workflow_run_metrics',
                             'workflow_run_rollups', 'workflow_run_error_rollups']
    loop
        execute format('alter table public.%I enable row level security', t);
        execute format('revoke all on public.%I from public, anon, authenticated', t);
        execute format('grant select on public.%I to authenticated', t);
        execute format('grant all on public.%I to service_role', t);
        execute format('create policy %I on public.%I for select to authenticated'
                           || ' using (project_id in (select public.user_project_ids()))',
                       t || '_tenant_read', t);
    end loop;
end
$$;

-- Supabase Realtime streams the counters to dashboards (RLS applies to each subscriber); only where the
-- publication exists.
do $$
begin
    if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
       and not exists (select 1 from pg_publication_tables
                       where pubname = 'supabase_realtime' and tablename = 'workflow_run_metrics') then
        alter publication supabase_realtime add table public.workflow_run_metrics;
    end if;
end
$$;
