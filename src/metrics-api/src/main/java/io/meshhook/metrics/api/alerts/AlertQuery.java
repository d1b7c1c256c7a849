package io.meshhook.metrics.api.alerts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.validation.CanonicalUuid;
import io.vertx.core.MultiMap;

/**
 * The query string of the alert listings: {@code project}, {@code rule}, {@code limit}, {@code before}, each from
 * an allow-list and given once; anything else is reported, all at once, as a 400 like the metrics endpoints do.
 */
record AlertQuery(UUID project, UUID rule, int limit, Instant before) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    static AlertQuery parse(MultiMap params, Set<String> allowed) {
        List<FieldError> errors = new ArrayList<>();
        for (String name : new TreeSet<>(params.names())) {
            if (!allowed.contains(name)) {
                errors.add(new FieldError(name, "is not a parameter of this endpoint"));
            } else if (params.getAll(name).size() > 1) {
                errors.add(new FieldError(name, "must be given once"));
            }
        }
        UUID project = uuid(params.get("project"), "project", errors);
        UUID rule = uuid(params.get("rule"), "rule", errors);
        int limit = DEFAULT_LIMIT;
        if (params.get("limit") != null) {
            try {
                limit = Integer.parseInt(params.get("limit"));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT));
            }
        }
        Instant before = null;
        if (params.get("before") != null) {
            try {
                before = OffsetDateTime.parse(params.get("before")).toInstant();
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("before", "must be an ISO-8601 instant with an offset"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(new Problem("/problems/invalid-query", "Invalid query", 400,
                    errors.size() == 1 ? "1 parameter is invalid" : errors.size() + " parameters are invalid",
                    List.copyOf(errors)));
        }
        return new AlertQuery(project, rule, limit, before);
    }

    private static UUID uuid(String value, String name, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        UUID id = CanonicalUuid.parse(value);
        if (id == null) {
            errors.add(new FieldError(name, "must be a UUID"));
        }
        return id;
    }
}
