package io.meshhook.metrics.api.alerts;

import java.util.List;
import java.util.UUID;

/**
 * A validated rule as the caller sent it (create, full update or backtest), with defaults applied. projectId is
 * null only on an update that did not name the project. Durations are whole seconds, as stored.
 */
record RuleDraft(UUID projectId, String name, String workflowSlug, Metric metric, String operator, double threshold,
        Double recoverThreshold, int windowSeconds, int minRuns, int forSeconds, int repeatEverySeconds,
        boolean notifyOnResolve, List<String> emails, String webhookUrl, String slackUrl, Boolean enabled,
        boolean rotateWebhookSecret) {

    /** Whether the value breaks the rule. */
    boolean breached(double value) {
        return switch (operator) {
            case "above" -> value > threshold;
            case "below" -> value < threshold;
            default -> value >= threshold;
        };
    }

    /**
     * Whether a firing alert clears at this value: past recoverThreshold when given (hysteresis, so a value
     * hovering at the threshold does not flap), otherwise as soon as the rule is no longer broken.
     */
    boolean recovered(double value) {
        if (recoverThreshold == null) {
            return !breached(value);
        }
        return operator.equals("below") ? value > recoverThreshold : value < recoverThreshold;
    }
}
