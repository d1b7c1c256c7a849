package io.meshhook.metrics.api.alerts;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;

/** Reads a snooze body: {@code {"until": ISO-8601 instant}} or {@code {"for": ISO-8601 duration}}, never both. */
final class SnoozeParser {

    /** A snooze is a pause, not a way to switch a rule off for good: that is {@code disable}. */
    static final Duration MAX = Duration.ofDays(90);

    private SnoozeParser() {
    }

    static Instant until(ObjectNode body, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("until") && !name.equals("for")) {
                errors.add(new FieldError(name, "is not a field of a snooze"));
            }
        }
        JsonFields f = new JsonFields(body, errors);
        Instant until = null;
        if (f.has("until") == f.has("for")) {
            f.error("until", "give either until (an ISO-8601 instant) or for (an ISO-8601 duration)");
        } else if (f.has("for")) {
            Integer seconds = f.seconds("for", Duration.ofMinutes(1), MAX, null);
            until = seconds == null ? null : now.plusSeconds(seconds);
        } else {
            String text = f.text("until", 64, true);
            try {
                until = text == null ? null : OffsetDateTime.parse(text).toInstant();
                if (until != null && (!until.isAfter(now) || until.isAfter(now.plus(MAX)))) {
                    f.error("until", "must be in the future, at most " + MAX.toDays() + " days ahead");
                }
            } catch (DateTimeParseException e) {
                f.error("until", "must be an ISO-8601 instant with an offset, e.g. 2026-12-01T08:00:00Z");
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.invalid("invalid-snooze", "Invalid snooze", errors));
        }
        return until;
    }
}
