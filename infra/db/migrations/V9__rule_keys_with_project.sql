-- A rule's states, events and notifications refer to it by (project_id, rule_id) instead of rule_id alone.
--
-- Why: deleting a rule cascades to the three tables, and PostgreSQL finds the rows to delete with the foreign key's
-- own columns. With rule_id alone no index led on them (the keys and indexes all start with project_id), so every
-- deleted rule was one sequential scan of each table: deleting the benchmark's 10,000 rules took 12-34 s, and one
-- rule deleted through the API read every state, event and notification of every tenant. With the project in the
-- key, the cascade reads alert_states and alert_events by their existing (project_id, rule_id, ...) indexes, and
-- alert_notifications by the index below.
--
-- It also says what was only true by the evaluator's care: a state, event or notification belongs to its rule's
-- project (a row naming another project's rule is refused).
--
-- The new keys are added NOT VALID and validated afterwards, so checking the existing rows takes no lock that
-- stops the evaluator's writes or the users' reads.

create index alert_notifications_rule on alert_notifications (project_id, rule_id);

alter table alert_states
    add constraint alert_states_rule foreign key (project_id, rule_id)
        references alert_rules (project_id, id) on delete cascade not valid;
alter table alert_events
    add constraint alert_events_rule foreign key (project_id, rule_id)
        references alert_rules (project_id, id) on delete cascade not valid;
alter table alert_notifications
    add constraint alert_notifications_rule foreign key (project_id, rule_id)
        references alert_rules (project_id, id) on delete cascade not valid;

alter table alert_states validate constraint alert_states_rule;
alter table alert_events validate constraint alert_events_rule;
alter table alert_notifications validate constraint alert_notifications_rule;

alter table alert_states drop constraint alert_states_rule_id_fkey;
alter table alert_events drop constraint alert_events_rule_id_fkey;
alter table alert_notifications drop constraint alert_notifications_rule_id_fkey;
