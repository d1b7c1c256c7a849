-- Threshold alerts: rules (managed by users under RLS), the evaluator's state per rule and workflow, the
-- history of every transition, and the notification outbox written in the same transaction as a transition.

create table alert_rules (
    project_id uuid not null,
    id uuid not null default gen_random_uuid(),
    name text not null check (length(name) between 1 and 200),
    -- one workflow (its slug: all versions), or null for every workflow of the project, each alerted separately
    workflow_slug text,
    metric text not null check (metric in ('failureRate', 'successRate', 'failures', 'consecutiveFailures',
                                           'runsBelow')),
    operator text not null check (operator in ('above', 'below', 'atLeast')),
    threshold double precision not null,
    -- hysteresis: the condition clears only past this value (below it for "above" rules, above it for "below")
    recover_threshold double precision,
    window_seconds integer not null check (window_seconds between 300 and 604800),
    min_runs integer not null default 10 check (min_runs >= 0),
    for_seconds integer not null default 0 check (for_seconds >= 0 and for_seconds <= 86400),
    repeat_every_seconds integer not null default 14400 check (repeat_every_seconds >= 300),
    notify_on_resolve boolean not null default true,
    emails text[] not null default '{}',
    webhook_url text,
    webhook_secret text,
    slack_url text,
    enabled boolean not null default true,
    snoozed_until timestamptz,
    created_by uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (project_id, id),
    unique (id)
);

create table alert_states (
    project_id uuid not null,
    rule_id uuid not null references alert_rules (id) on delete cascade,
    workflow_slug text not null,
    state text not null check (state in ('ok', 'pending', 'firing', 'insufficientData', 'snoozed')),
    state_since timestamptz not null,
    pending_since timestamptz,
    firing_since timestamptz,
    last_value double precision,
    last_runs bigint,
    last_evaluated_at timestamptz not null,
    last_notified_at timestamptz,
    primary key (project_id, rule_id, workflow_slug)
);

create table alert_events (
    project_id uuid not null,
    id uuid not null default gen_random_uuid(),
    rule_id uuid not null references alert_rules (id) on delete cascade,
    workflow_slug text not null,
    kind text not null check (kind in ('transition', 'renotify', 'delivery_failed')),
    from_state text,
    to_state text not null,
    occurred_at timestamptz not null,
    value double precision,
    threshold double precision,
    runs bigint,
    failures bigint,
    details jsonb not null default '{}',
    primary key (project_id, id)
);
create index alert_events_rule_time on alert_events (project_id, rule_id, occurred_at desc);

create table alert_notifications (
    project_id uuid not null,
    id uuid not null default gen_random_uuid(),
    event_id uuid not null,
    rule_id uuid not null references alert_rules (id) on delete cascade,
    channel text not null check (channel in ('email', 'webhook', 'slack')),
    target text not null,
    payload jsonb not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    delivered_at timestamptz,
    last_error text,
    created_at timestamptz not null default now(),
    primary key (project_id, id),
    -- an event is notified once per channel and target, however many evaluators run
    unique (event_id, channel, target)
);
create index alert_notifications_due on alert_notifications (next_attempt_at) where status = 'pending';

-- Users manage the rules of their projects and read states, history and notifications; the evaluator writes
-- states, events and notifications as the service. The webhook secret is never readable by users after creation
-- (column privileges), so it is "shown once" by the API that generates it.
do $$
declare
    t text;
begin
    foreach t in array array['alert_rules', 'alert_states', 'alert_events', 'alert_notifications']
    loop
        execute format('alter table public.%I enable row level security', t);
        execute format('revoke all on public.%I from public, anon, authenticated', t);
        execute format('grant all on public.%I to service_role', t);
        execute format('create policy %I on public.%I for select to authenticated'
                           || ' using (project_id in (select public.user_project_ids()))',
                       t || '_tenant_read', t);
    end loop;
end
$$;

grant select (project_id, id, name, workflow_slug, metric, operator, threshold, recover_threshold, window_seconds,
              min_runs, for_seconds, repeat_every_seconds, notify_on_resolve, emails, webhook_url, slack_url,
              enabled, snoozed_until, created_by, created_at, updated_at)
    on alert_rules to authenticated;
grant insert, update, delete on alert_rules to authenticated;
grant select on alert_states, alert_events, alert_notifications to authenticated;
create policy alert_rules_tenant_insert on alert_rules for insert to authenticated
    with check (project_id in (select public.user_project_ids()));
create policy alert_rules_tenant_update on alert_rules for update to authenticated
    using (project_id in (select public.user_project_ids()))
    with check (project_id in (select public.user_project_ids()));
create policy alert_rules_tenant_delete on alert_rules for delete to authenticated
    using (project_id in (select public.user_project_ids()));
