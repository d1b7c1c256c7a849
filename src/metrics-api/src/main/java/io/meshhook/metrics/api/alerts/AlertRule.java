package io.meshhook.metrics.api.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A rule as the API answers it. The webhook secret is never read back (users have no select privilege on it);
 * it is present only in the one response that generated it.
 */
@RegisterForReflection
public record AlertRule(UUID id, UUID projectId, String name, String workflowSlug, String metric, String operator,
        double threshold, Double recoverThreshold, String window, int minRuns, @JsonProperty("for") String forDuration,
        String repeatEvery, boolean notifyOnResolve, List<String> emails, String webhookUrl, String slackUrl,
        boolean enabled, Instant snoozedUntil, UUID createdBy, Instant createdAt, Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String webhookSecret) {

    /** The columns a user may select, in the order {@link #of} reads them; never webhook_secret. */
    static final String COLUMNS = "id, project_id, name, workflow_slug, metric, operator, threshold,"
            + " recover_threshold, window_seconds, min_runs, for_seconds, repeat_every_seconds, notify_on_resolve,"
            + " emails, webhook_url, slack_url, enabled, snoozed_until, created_by, created_at, updated_at";

    static AlertRule of(Row r, String newSecret) {
        return new AlertRule(r.getUUID("id"), r.getUUID("project_id"), r.getString("name"),
                r.getString("workflow_slug"), r.getString("metric"), r.getString("operator"),
                r.getDouble("threshold"), r.getDouble("recover_threshold"), duration(r, "window_seconds"),
                r.getInteger("min_runs"), duration(r, "for_seconds"), duration(r, "repeat_every_seconds"),
                r.getBoolean("notify_on_resolve"), List.of(r.getArrayOfStrings("emails")), r.getString("webhook_url"),
                r.getString("slack_url"), r.getBoolean("enabled"), instant(r, "snoozed_until"),
                r.getUUID("created_by"), instant(r, "created_at"), instant(r, "updated_at"), newSecret);
    }

    private static String duration(Row r, String column) {
        return Duration.ofSeconds(r.getInteger(column)).toString();
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
