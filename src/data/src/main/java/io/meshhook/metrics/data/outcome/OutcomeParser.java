package io.meshhook.metrics.data.outcome;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.validation.CanonicalUuid;
import io.meshhook.metrics.data.validation.UnicodeText;

/**
 * Reads one outcome from JSON and checks every field, collecting all errors (with their paths) instead of
 * stopping at the first, so the engine learns everything wrong with a report at once.
 */
public final class OutcomeParser {

    static final int MAX_MESSAGE_CODE_POINTS = 2_000;
    static final int MAX_SLUG_LENGTH = 200;
    static final int MAX_CODE_LENGTH = 200;
    static final int MAX_STEP_LENGTH = 200;
    static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);

    private final Instant now;
    private final Duration maxAge;

    /** @param maxAge outcomes that finished longer ago than this are refused: they are past the rollup retention */
    public OutcomeParser(Instant now, Duration maxAge) {
        this.now = now;
        this.maxAge = maxAge;
    }

    /** Returns the outcome, or null after adding at least one error under {@code path}. */
    public RunOutcome parse(JsonNode node, String path, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(path.isEmpty() ? "body" : path, "must be a JSON object"));
            return null;
        }
        Fields f = new Fields(node, path, errors);
        int before = errors.size();
        UUID runId = f.uuid("runId", true);
        UUID projectId = f.uuid("projectId", true);
        UUID workflowId = f.uuid("workflowId", true);
        String slug = f.text("workflowSlug", true, MAX_SLUG_LENGTH);
        Integer version = f.integer("workflowVersion", true, 1);
        OutcomeStatus status = f.oneOf("status", true, OutcomeStatus::fromWire,
                "succeeded, failed, canceled, timed_out");
        Instant startedAt = f.instant("startedAt", true);
        Instant finishedAt = f.instant("finishedAt", true);
        Integer attempt = f.integer("attempt", false, 1);
        UUID retryOf = f.uuid("retryOf", false);
        RunTrigger trigger = f.oneOf("trigger", false, RunTrigger::fromWire, "webhook, schedule, manual, replay, test");
        checkTimes(f, startedAt, finishedAt);
        if (retryOf != null && retryOf.equals(runId)) {
            f.error("retryOf", "must not be the run's own id");
        }
        ErrorDetail error = readError(f, status);
        if (errors.size() > before) {
            return null;
        }
        return new RunOutcome(runId, projectId, workflowId, slug, version, status, startedAt, finishedAt,
                attempt == null ? 1 : attempt, retryOf, trigger == null ? RunTrigger.WEBHOOK : trigger,
                error == null ? null : error.code(), error == null ? null : error.message(),
                error == null ? null : error.step());
    }

    private void checkTimes(Fields f, Instant startedAt, Instant finishedAt) {
        if (startedAt != null && finishedAt != null && finishedAt.isBefore(startedAt)) {
            f.error("finishedAt", "must not be before startedAt");
        }
        // A start before 4713 BC (PostgreSQL's first timestamp), or early enough to overflow the duration in ms,
        // would fail the write with a 500 instead of being refused; no real run outlasts the window it is counted in.
        // Measured as a Duration: finishedAt.minus(maxAge) itself overflows for a finish near Instant.MIN.
        if (startedAt != null && finishedAt != null && Duration.between(startedAt, finishedAt).compareTo(maxAge) > 0) {
            f.error("startedAt", "must not be more than " + maxAge.toDays() + " days before finishedAt");
        }
        if (finishedAt != null && finishedAt.isAfter(now.plus(FUTURE_TOLERANCE))) {
            f.error("finishedAt", "must not be more than 5 minutes in the future");
        }
        if (finishedAt != null && finishedAt.isBefore(now.minus(maxAge))) {
            f.error("finishedAt", "must be within the last " + maxAge.toDays() + " days (the retention of rollups)");
        }
    }

    private ErrorDetail readError(Fields f, OutcomeStatus status) {
        JsonNode error = f.node.get("error");
        if (error == null || error.isNull()) {
            return null;
        }
        if (!error.isObject()) {
            f.error("error", "must be an object with code, message and step");
            return null;
        }
        if (status != null && !status.isFailure()) {
            f.error("error", "is only allowed when status is failed or timed_out");
            return null;
        }
        Fields e = new Fields(error, f.path("error"), f.errors);
        String code = e.text("code", false, MAX_CODE_LENGTH);
        String message = e.text("message", false, Integer.MAX_VALUE);
        String step = e.text("step", false, MAX_STEP_LENGTH);
        return new ErrorDetail(code, truncate(message), step);
    }

    /** Error messages are cut to 2,000 characters (whole code points), never refused for their length. */
    static String truncate(String message) {
        if (message == null || message.codePointCount(0, message.length()) <= MAX_MESSAGE_CODE_POINTS) {
            return message;
        }
        return message.substring(0, message.offsetByCodePoints(0, MAX_MESSAGE_CODE_POINTS));
    }

    private record ErrorDetail(String code, String message, String step) {
    }

    /** Typed access to the fields of one JSON object, each failure recorded as a field error. */
    private static final class Fields {
        final JsonNode node;
        final String prefix;
        final List<FieldError> errors;

        Fields(JsonNode node, String prefix, List<FieldError> errors) {
            this.node = node;
            this.prefix = prefix;
            this.errors = errors;
        }

        String path(String field) {
            return prefix.isEmpty() ? field : prefix + "." + field;
        }

        void error(String field, String message) {
            errors.add(new FieldError(path(field), message));
        }

        private JsonNode value(String field, boolean required) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (required) {
                    error(field, "is required");
                }
                return null;
            }
            return value;
        }

        UUID uuid(String field, boolean required) {
            JsonNode value = value(field, required);
            if (value == null) {
                return null;
            }
            UUID id = value.isTextual() ? CanonicalUuid.parse(value.textValue()) : null;
            if (id == null) {
                error(field, "must be a UUID");
            }
            return id;
        }

        String text(String field, boolean required, int maxLength) {
            JsonNode value = value(field, required);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(field, "must be a string");
                return null;
            }
            String text = value.textValue();
            if (required && text.isBlank()) {
                error(field, "must not be blank");
                return null;
            }
            if (text.length() > maxLength) {
                error(field, "must be at most " + maxLength + " characters");
                return null;
            }
            if (text.indexOf('\u0000') >= 0) {
                if (maxLength == Integer.MAX_VALUE) {
                    text = text.replace('\u0000', '\uFFFD'); // free text: keep it, PostgreSQL cannot store NUL
                } else {
                    error(field, "must not contain NUL characters");
                    return null;
                }
            }
            // a lone UTF-16 surrogate (a JSON "\\ud800" without its pair) is no character; PostgreSQL's json refuses it
            if (UnicodeText.hasUnpairedSurrogate(text)) {
                if (maxLength == Integer.MAX_VALUE) {
                    return UnicodeText.withoutUnpairedSurrogates(text);
                }
                error(field, "must be valid Unicode text (an unpaired surrogate \\uD800-\\uDFFF is not)");
                return null;
            }
            return text;
        }

        Integer integer(String field, boolean required, int min) {
            JsonNode value = value(field, required);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                error(field, "must be an integer between " + min + " and " + Integer.MAX_VALUE);
                return null;
            }
            if (value.intValue() < min) {
                error(field, "must be at least " + min);
                return null;
            }
            return value.intValue();
        }

        <E> E oneOf(String field, boolean required, java.util.function.Function<String, E> lookup, String allowed) {
            JsonNode value = value(field, required);
            if (value == null) {
                return null;
            }
            E found = value.isTextual() ? lookup.apply(value.textValue()) : null;
            if (found == null) {
                error(field, "must be one of " + allowed);
            }
            return found;
        }

        Instant instant(String field, boolean required) {
            JsonNode value = value(field, required);
            if (value == null) {
                return null;
            }
            if (value.isTextual()) {
                try {
                    return OffsetDateTime.parse(value.textValue()).toInstant();
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
            error(field, "must be an ISO-8601 timestamp with an offset, e.g. 2026-11-29T10:00:00Z");
            return null;
        }
    }
}
