package io.meshhook.metrics.evaluator;

/** What {@code evaluateThresholds} did: rules evaluated, transitions recorded, notifications queued and delivered. */
public record EvaluationSummary(int rulesEvaluated, int transitions, int notificationsQueued,
        int notificationsDelivered) {
}
