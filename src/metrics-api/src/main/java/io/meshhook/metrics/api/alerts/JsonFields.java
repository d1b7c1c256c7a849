package io.meshhook.metrics.api.alerts;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.validation.CanonicalUuid;
import io.meshhook.metrics.data.validation.UnicodeText;

/**
 * Typed reads of a JSON object's fields that collect every error instead of stopping at the first, so a 422 can
 * list all of them. An absent field and an explicit null are the same: "not given".
 */
final class JsonFields {

    private final ObjectNode body;
    private final List<FieldError> errors;

    JsonFields(ObjectNode body, List<FieldError> errors) {
        this.body = body;
        this.errors = errors;
    }

    boolean has(String field) {
        JsonNode node = body.get(field);
        return node != null && !node.isNull();
    }

    void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    String text(String field, int maxLength, boolean required) {
        if (!has(field)) {
            if (required) {
                error(field, "is required");
            }
            return null;
        }
        JsonNode node = body.get(field);
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > maxLength
                || node.asText().indexOf('\u0000') >= 0 || UnicodeText.hasUnpairedSurrogate(node.asText())) {
            error(field, "must be a non-blank string of at most " + maxLength
                    + " characters, without NUL or unpaired surrogates (\\uD800-\\uDFFF)");
            return null;
        }
        return node.asText();
    }

    UUID uuid(String field, boolean required) {
        String text = text(field, 36, required);
        if (text == null) {
            return null;
        }
        UUID id = CanonicalUuid.parse(text);
        if (id == null) {
            error(field, "must be a UUID");
        }
        return id;
    }

    Double number(String field, boolean required) {
        if (!has(field)) {
            if (required) {
                error(field, "is required");
            }
            return null;
        }
        JsonNode node = body.get(field);
        if (!node.isNumber() || !Double.isFinite(node.asDouble())) {
            error(field, "must be a number");
            return null;
        }
        return node.asDouble();
    }

    Integer integer(String field, int min, int fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode node = body.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min) {
            error(field, "must be an integer of at least " + min);
            return fallback;
        }
        return node.asInt();
    }

    Boolean bool(String field, Boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        if (!body.get(field).isBoolean()) {
            error(field, "must be true or false");
            return fallback;
        }
        return body.get(field).asBoolean();
    }

    /** An ISO-8601 duration ("PT15M", "P1D") or whole seconds, within [min, max]; null when absent or invalid. */
    Integer seconds(String field, Duration min, Duration max, Duration fallback) {
        if (!has(field)) {
            return fallback == null ? null : (int) fallback.toSeconds();
        }
        JsonNode node = body.get(field);
        Duration d = null;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            d = Duration.ofSeconds(node.asLong());
        } else if (node.isTextual()) {
            try {
                d = Duration.parse(node.asText());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        if (d == null || d.getNano() != 0 || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            error(field, "must be an ISO-8601 duration (e.g. PT15M) or whole seconds, from " + min + " to " + max);
            return null;
        }
        return (int) d.toSeconds();
    }

    JsonNode node(String field) {
        return body.get(field);
    }
}
