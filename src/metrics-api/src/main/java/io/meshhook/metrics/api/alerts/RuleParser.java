package io.meshhook.metrics.api.alerts;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.validation.UnicodeText;

/**
 * Validates a rule body (create, full update, backtest draft) and applies the defaults. Every field error is
 * collected and answered at once as a 422 {@code /problems/invalid-rule}. Unknown fields are refused, because a
 * misspelt optional field ("minRun") would otherwise silently keep its default; the read-only fields of a rule
 * as GET answers it are ignored, so a client can PUT back what it read.
 */
final class RuleParser {

    /** What the body is for: they differ in whether projectId and a channel are required. */
    enum Mode {
        CREATE, UPDATE, BACKTEST
    }

    private static final Set<String> FIELDS = Set.of("projectId", "name", "workflowSlug", "metric", "operator",
            "threshold", "recoverThreshold", "window", "minRuns", "for", "repeatEvery", "notifyOnResolve", "emails",
            "webhookUrl", "slackUrl", "enabled", "rotateWebhookSecret");
    private static final Set<String> READ_ONLY = Set.of("id", "createdAt", "updatedAt", "createdBy", "snoozedUntil");
    // deliberately simple: one @, no spaces, a dot in the domain; the mail server is the real judge
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]+@[^@\\s\"<>,;]+\\.[^@\\s\"<>,;.]+");
    static final int MAX_EMAILS = 20;

    private RuleParser() {
    }

    static RuleDraft parse(ObjectNode body, Mode mode) {
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            boolean allowed = FIELDS.contains(name) && (mode == Mode.UPDATE || !name.equals("rotateWebhookSecret"));
            if (!allowed && !READ_ONLY.contains(name)) {
                errors.add(new FieldError(name, "is not a field of a rule"));
            }
        }
        JsonFields f = new JsonFields(body, errors);
        UUID projectId = f.uuid("projectId", mode != Mode.UPDATE);
        String name = f.text("name", 200, true);
        String slug = f.text("workflowSlug", 200, false);
        Metric metric = null;
        String metricName = f.text("metric", 40, true);
        if (metricName != null) {
            metric = Metric.fromWire(metricName);
            if (metric == null) {
                f.error("metric", "must be one of " + String.join(", ", Metric.NAMES));
            }
        }
        String operator = f.text("operator", 20, false);
        if (metric != null && operator == null && !f.has("operator")) {
            operator = metric.defaultOperator();
        } else if (metric != null && operator != null && !metric.operators.contains(operator)) {
            f.error("operator", "must be " + String.join(" or ", metric.operators) + " for " + metric.wireName);
            operator = null;
        }
        Double threshold = threshold(f, "threshold", metric, true);
        Double recover = threshold(f, "recoverThreshold", metric, false);
        if (threshold != null && recover != null && operator != null
                && (operator.equals("below") ? recover <= threshold : recover >= threshold)) {
            f.error("recoverThreshold", "must be on the recovering side of threshold ("
                    + (operator.equals("below") ? "above " : "below ") + threshold + ")");
        }
        Integer window = f.seconds("window", Duration.ofMinutes(5), Duration.ofDays(7), null);
        if (window == null && !f.has("window")) {
            f.error("window", "is required");
        }
        int minRuns = f.integer("minRuns", 0, 10);
        Integer forSeconds = f.seconds("for", Duration.ZERO, Duration.ofHours(24), Duration.ZERO);
        Integer repeat = f.seconds("repeatEvery", Duration.ofMinutes(5), Duration.ofDays(30), Duration.ofHours(4));
        boolean notifyOnResolve = f.bool("notifyOnResolve", true);
        int errorsBeforeChannels = errors.size();
        List<String> emails = emails(f);
        String webhookUrl = url(f, "webhookUrl", false);
        String slackUrl = url(f, "slackUrl", true);
        // a channel that was given but is invalid is reported as such, not again as "no channel"
        if (mode != Mode.BACKTEST && emails.isEmpty() && webhookUrl == null && slackUrl == null
                && errors.size() == errorsBeforeChannels) {
            f.error("channels", "give at least one of emails, webhookUrl, slackUrl");
        }
        Boolean enabled = f.bool("enabled", null);
        boolean rotate = mode == Mode.UPDATE && f.bool("rotateWebhookSecret", false);
        if (rotate && webhookUrl == null && !f.has("webhookUrl")) {
            f.error("rotateWebhookSecret", "needs a webhookUrl");
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new RuleDraft(projectId, name, slug, metric, operator, threshold, recover, window, minRuns, forSeconds,
                repeat, notifyOnResolve, emails, webhookUrl, slackUrl, enabled, rotate);
    }

    static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(Problem.invalid("invalid-rule", "Invalid alert rule", errors));
    }

    private static Double threshold(JsonFields f, String field, Metric metric, boolean required) {
        Double value = f.number(field, required);
        if (value == null || metric == null) {
            return value;
        }
        if (metric.rate && (value < 0 || value > 1)) {
            f.error(field, "must be a fraction from 0 to 1 for " + metric.wireName);
            return null;
        }
        if (!metric.rate && (value < 1 || value != Math.rint(value) || value > 1_000_000_000)) {
            f.error(field, "must be a whole number of at least 1 for " + metric.wireName);
            return null;
        }
        return value;
    }

    private static List<String> emails(JsonFields f) {
        if (!f.has("emails")) {
            return List.of();
        }
        JsonNode node = f.node("emails");
        if (!node.isArray() || node.size() > MAX_EMAILS) {
            f.error("emails", "must be an array of at most " + MAX_EMAILS + " addresses");
            return List.of();
        }
        Set<String> emails = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            if (!e.isTextual() || e.asText().length() > 254 || !EMAIL.matcher(e.asText()).matches()
                    || UnicodeText.hasUnpairedSurrogate(e.asText())) {
                f.error("emails[" + i + "]", "must be an email address");
            } else {
                emails.add(e.asText());
            }
        }
        return List.copyOf(emails);
    }

    private static String url(JsonFields f, String field, boolean httpsOnly) {
        String text = f.text(field, 2000, false);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean schemeOk = httpsOnly ? scheme.equals("https") : scheme.equals("https") || scheme.equals("http");
            if (schemeOk && uri.getHost() != null && uri.getRawUserInfo() == null) {
                return text;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        f.error(field, httpsOnly ? "must be an https URL" : "must be an http or https URL");
        return null;
    }
}
