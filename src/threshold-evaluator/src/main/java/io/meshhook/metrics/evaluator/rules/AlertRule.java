package io.meshhook.metrics.evaluator.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Row;

/** One enabled alert rule as the evaluator reads it, with its condition and its hysteresis. */
public record AlertRule(UUID projectId, UUID id, String name, String workflowSlug, Metric metric, String operator,
        double threshold, Double recoverThreshold, Duration window, long minRuns, Duration holdFor,
        Duration repeatEvery, boolean notifyOnResolve, List<String> emails, String webhookUrl, String slackUrl,
        Instant snoozedUntil) {

    /** The columns {@link #of(Row)} reads. */
    public static final String COLUMNS = "project_id, id, name, workflow_slug, metric, operator, threshold,"
            + " recover_threshold, window_seconds, min_runs, for_seconds, repeat_every_seconds, notify_on_resolve,"
            + " emails, webhook_url, slack_url, snoozed_until";

    public static AlertRule of(Row row) {
        OffsetDateTime snoozed = row.getOffsetDateTime("snoozed_until");
        String[] emails = row.getArrayOfStrings("emails");
        return new AlertRule(row.getUUID("project_id"), row.getUUID("id"), row.getString("name"),
                row.getString("workflow_slug"), Metric.of(row.getString("metric")), row.getString("operator"),
                row.getDouble("threshold"), row.getDouble("recover_threshold"),
                Duration.ofSeconds(row.getInteger("window_seconds")), row.getInteger("min_runs"),
                Duration.ofSeconds(row.getInteger("for_seconds")),
                Duration.ofSeconds(row.getInteger("repeat_every_seconds")), row.getBoolean("notify_on_resolve"),
                emails == null ? List.of() : List.of(emails), row.getString("webhook_url"),
                row.getString("slack_url"), snoozed == null ? null : snoozed.toInstant());
    }

    /** runsBelow means "fewer runs than N" whatever operator was stored; the others use theirs. */
    public String effectiveOperator() {
        return metric == Metric.RUNS_BELOW ? "below" : operator;
    }

    /** Whether the value breaks the threshold. */
    public boolean holds(double value) {
        return breaks(value, threshold);
    }

    /**
     * Whether a firing alert may resolve: the value must be back past the recover threshold (below it for "above"
     * rules, above it for "below" rules), so a value hovering at the threshold does not flap. Without a recover
     * threshold, the alert resolves as soon as the condition no longer holds.
     */
    public boolean recovered(double value) {
        return !breaks(value, recoverThreshold == null ? threshold : recoverThreshold);
    }

    public boolean snoozedAt(Instant now) {
        return snoozedUntil != null && snoozedUntil.isAfter(now);
    }

    private boolean breaks(double value, double limit) {
        return switch (effectiveOperator()) {
            case "above" -> value > limit;
            case "below" -> value < limit;
            case "atLeast" -> value >= limit;
            default -> throw new IllegalStateException("unknown operator " + operator);
        };
    }
}
