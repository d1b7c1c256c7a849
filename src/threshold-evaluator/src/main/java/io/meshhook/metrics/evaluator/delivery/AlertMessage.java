package io.meshhook.metrics.evaluator.delivery;

import java.time.Duration;
import java.util.Locale;

import io.vertx.core.json.JsonObject;

/**
 * A notification as people read it (mail templates, Slack): every figure already formatted, so the templates
 * only place text and the mail and the Slack message say the same.
 */
public record AlertMessage(String type, boolean resolved, boolean reminder, String workflow, String ruleName,
        String metric, String value, String operator, String threshold, String window, long ratedRuns,
        long totalRuns, long failures, String firedFor, String dashboardLink) {

    /** Reads the payload written with the transition. */
    public static AlertMessage of(JsonObject payload) {
        JsonObject d = payload.getJsonObject("data");
        String metric = d.getString("metric");
        boolean rate = metric.endsWith("Rate");
        Long firedFor = d.getLong("firedForSeconds");
        return new AlertMessage(payload.getString("type"), "alert.resolved".equals(payload.getString("type")),
                "alert.renotify".equals(payload.getString("type")), d.getString("workflowSlug"),
                d.getString("ruleName"), label(metric), figure(d.getDouble("value"), rate),
                operatorText(d.getString("operator")), figure(d.getDouble("threshold"), rate),
                human(Duration.ofSeconds(d.getLong("windowSeconds"))), d.getLong("ratedRuns"),
                d.getLong("totalRuns"), d.getLong("failures"),
                firedFor == null ? null : human(Duration.ofSeconds(firedFor)), d.getString("dashboardUrl"));
    }

    /** The mail subject; control characters (a slug may hold a line break) can never start a header of their own. */
    public String subject() {
        return headline(workflow).replaceAll("\\p{Cntrl}", " ");
    }

    /** The Slack message (mrkdwn, user text escaped): the headline, the run counts and the dashboard link. */
    public String slackText() {
        return "*" + headline(slack(workflow)) + "*\nRule \"" + slack(ruleName) + "\": " + failures + " failed of "
                + ratedRuns + " rated runs (" + totalRuns + " in all) in the last " + window + ".\n<"
                + slack(dashboardLink) + "|Open the dashboard>";
    }

    private String headline(String name) {
        if (resolved) {
            return "Resolved: " + name + " " + metric + " is " + value
                    + (firedFor == null ? "" : " after firing for " + firedFor);
        }
        return (reminder ? "Still firing: " : "Alert: ") + name + " " + metric + " is " + value + " (" + operator
                + " " + threshold + " over the last " + window + ")";
    }

    /** Slack's three control characters, so a name cannot inject a link or a mention. */
    private static String slack(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String label(String metric) {
        return switch (metric) {
            case "failureRate" -> "failure rate";
            case "successRate" -> "success rate";
            case "consecutiveFailures" -> "consecutive failures";
            case "runsBelow" -> "runs";
            default -> metric;
        };
    }

    static String figure(Double value, boolean rate) {
        if (value == null) {
            return "n/a";
        }
        return rate ? String.format(Locale.ROOT, "%.1f%%", value * 100) : Long.toString(Math.round(value));
    }

    static String operatorText(String operator) {
        return "atLeast".equals(operator) ? "at or above" : operator;
    }

    /** "45 s", "3 min", "1 h 5 min", "7 days": the largest two units. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        if (s < 86_400) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        long days = s / 86_400;
        long hours = s % 86_400 / 3600;
        return days + (days == 1 ? " day" : " days") + (hours == 0 ? "" : " " + hours + " h");
    }
}
