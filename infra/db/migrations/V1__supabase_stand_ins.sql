-- What Supabase and MeshHook already provide, created here only where it is missing, so that the same
-- migrations apply to a MeshHook Supabase database and to plain PostgreSQL 15. Nothing that exists is
-- replaced or altered: every object is guarded by an existence check.

-- Roles. On Supabase they exist; on plain PostgreSQL service_role must bypass RLS like Supabase's does.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'anon') then
        begin
            create role anon nologin noinherit;
        exception when duplicate_object then null; -- another database of the cluster created it meanwhile
        end;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'authenticated') then
        begin
            create role authenticated nologin noinherit;
        exception when duplicate_object then null;
        end;
    end if;
    if not exists (select 1 from pg_roles where rolname = 'service_role') then
        begin
            create role service_role nologin noinherit bypassrls;
        exception when duplicate_object then null;
        end;
    end if;
end
$$;

-- auth.uid(): the sub claim of the request's JWT, as Supabase defines it.
do $$
begin
    if not exists (select 1 from pg_namespace where nspname = 'auth') then
        create schema auth;
        grant usage on schema auth to anon, authenticated, service_role;
    end if;
    if to_regprocedure('auth.uid()') is null then
        create function auth.uid() returns uuid
            language sql stable
        as $f$
            select nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid
        $f$;
        grant execute on function auth.uid() to anon, authenticated, service_role;
    end if;
end
$$;

-- projects: MeshHook's tenant table (only its minimal shape, and only where MeshHook is absent).
do $$
begin
    if to_regclass('public.projects') is null then
        create table public.projects (
            id uuid primary key default gen_random_uuid(),
            owner uuid not null,
            name text not null,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now()
        );
        alter table public.projects enable row level security;
        create policy projects_owner on public.projects for all to authenticated
            using (owner = auth.uid()) with check (owner = auth.uid());
        grant select, insert, update, delete on public.projects to authenticated;
        grant all on public.projects to service_role;
    end if;
end
$$;

-- user_project_ids(): the projects the current user may access. MeshHook's own definition wins where it
-- exists (it will grow to teams); the stand-in gives the projects the user owns.
do $$
begin
    if to_regprocedure('public.user_project_ids()') is null then
        create function public.user_project_ids() returns setof uuid
            language sql stable security definer
            set search_path = public, pg_temp
        as $f$
            select id from public.projects where owner = auth.uid()
        $f$;
        revoke all on function public.user_project_ids() from public;
        grant execute on function public.user_project_ids() to authenticated, service_role;
    end if;
end
$$;
