package io.meshhook.metrics.evaluator.rules;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/**
 * The event a notification carries, fixed when the transition is written: the webhook body as sent (Standard
 * Webhooks shape {@code {type, timestamp, data}}) and what mails and Slack messages are rendered from. Fixing it
 * then means a retry hours later still says what happened at the time.
 */
public final class AlertPayload {

    private AlertPayload() {
    }

    /** The payload of a notification about the event; {@code firedFor} only for a resolve. */
    public static JsonObject of(UUID eventId, AlertRule rule, Measurement m, Decision decision, Duration firedFor,
            Instant now, String dashboardUrl) {
        JsonObject data = new JsonObject()
                .put("eventId", eventId.toString())
                .put("projectId", rule.projectId().toString())
                .put("ruleId", rule.id().toString())
                .put("ruleName", rule.name())
                .put("workflowSlug", m.workflowSlug())
                .put("state", decision.next().state())
                .put("metric", rule.metric().wireName())
                .put("operator", rule.effectiveOperator())
                .put("value", m.value())
                .put("threshold", rule.threshold())
                .put("recoverThreshold", rule.recoverThreshold())
                .put("windowSeconds", rule.window().toSeconds())
                .put("ratedRuns", m.ratedRuns())
                .put("totalRuns", m.totalRuns())
                .put("failures", m.failures())
                .put("firingSince", decision.next().firingSince() == null
                        ? null
                        : decision.next().firingSince().toString())
                .put("firedForSeconds", firedFor == null ? null : firedFor.toSeconds())
                .put("dashboardUrl", dashboardLink(dashboardUrl, rule.projectId(), m.workflowSlug()));
        return new JsonObject().put("type", decision.send().eventType()).put("timestamp", now.toString())
                .put("data", data);
    }

    static String dashboardLink(String base, UUID projectId, String workflowSlug) {
        return base + (base.contains("?") ? "&" : "?") + "project=" + projectId + "&workflow="
                + URLEncoder.encode(workflowSlug, StandardCharsets.UTF_8);
    }
}
