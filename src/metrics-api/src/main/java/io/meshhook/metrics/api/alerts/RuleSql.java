package io.meshhook.metrics.api.alerts;

/**
 * The rule statements. They run as role {@code authenticated} under RLS (TenantScope), so other tenants' rules
 * do not exist for them; they name their columns because users may not select webhook_secret.
 */
final class RuleSql {

    private RuleSql() {
    }

    /** $1 project. Whether the caller may see (and so manage alerts of) the project. */
    static final String PROJECT_VISIBLE = "select $1::uuid in (select public.user_project_ids()) as visible";

    static final String INSERT = """
            insert into alert_rules (project_id, name, workflow_slug, metric, operator, threshold, recover_threshold,
                window_seconds, min_runs, for_seconds, repeat_every_seconds, notify_on_resolve, emails, webhook_url,
                slack_url, enabled, webhook_secret, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, coalesce($16, true), $17, $18)
            returning\s""" + AlertRule.COLUMNS;

    /** $1 project or null: the rules of one visible project, or of all of them. */
    static final String LIST = "select " + AlertRule.COLUMNS + " from alert_rules"
            + " where ($1::uuid is null or project_id = $1) order by created_at, id";

    static final String GET = "select " + AlertRule.COLUMNS + " from alert_rules where id = $1";

    /** Locks the rule for a full update and tells whether it had a webhook (and so a secret). */
    static final String LOCK = "select project_id, webhook_url from alert_rules where id = $1 for update";

    /** $1 id, $2..$16 as INSERT (no project), then maybe $17 the new secret (null clears it). */
    static String update(boolean setSecret) {
        return """
                update alert_rules set name = $2, workflow_slug = $3, metric = $4, operator = $5, threshold = $6,
                    recover_threshold = $7, window_seconds = $8, min_runs = $9, for_seconds = $10,
                    repeat_every_seconds = $11, notify_on_resolve = $12, emails = $13, webhook_url = $14,
                    slack_url = $15, enabled = coalesce($16, enabled), updated_at = now()"""
                + (setSecret ? ", webhook_secret = $17" : "") + " where id = $1 returning " + AlertRule.COLUMNS;
    }

    static final String SET_ENABLED = "update alert_rules set enabled = $2, updated_at = now() where id = $1"
            + " returning " + AlertRule.COLUMNS;

    static final String SET_SNOOZE = "update alert_rules set snoozed_until = $2, updated_at = now() where id = $1"
            + " returning " + AlertRule.COLUMNS;

    static final String DELETE = "delete from alert_rules where id = $1";
}
