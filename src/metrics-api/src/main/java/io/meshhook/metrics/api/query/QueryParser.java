package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.time.RangeParser;
import io.meshhook.metrics.data.time.TimeWindow;
import io.meshhook.metrics.data.validation.CanonicalUuid;
import io.vertx.core.MultiMap;

/**
 * Reads the query string of the metrics endpoints. Every parameter comes from an allow-list; unknown ones,
 * repeated ones and bad values are all reported at once as a 400 problem. Nothing here ever becomes SQL text.
 */
@ApplicationScoped
class QueryParser {

    static final int MAX_LIMIT = 500;
    static final int DEFAULT_LIMIT = 50;
    private static final Set<String> RANGE = Set.of("range", "from", "to", "tz", "granularity", "trigger");
    private static final Set<String> SUMMARY = union(RANGE, "project", "workflow", "q", "version", "status",
            "minRuns", "sort", "order", "limit", "cursor");
    private static final Set<String> DETAIL = union(RANGE, "version", "id");
    private static final Set<String> LISTS = Set.of("project", "workflow", "status", "trigger");
    private static final List<String> STATUSES = List.of("succeeded", "failed", "canceled", "timed_out");
    private static final List<String> TRIGGERS = List.of("webhook", "schedule", "manual", "replay", "test");
    static final List<String> DEFAULT_TRIGGERS = TRIGGERS.subList(0, 4);

    private final Cursors cursors;

    QueryParser(Cursors cursors) {
        this.cursors = cursors;
    }

    MetricsQuery summary(MultiMap params, Instant now) {
        return parse(params, now, SUMMARY);
    }

    MetricsQuery detail(MultiMap params, Instant now) {
        return parse(params, now, DETAIL);
    }

    private MetricsQuery parse(MultiMap params, Instant now, Set<String> allowed) {
        List<FieldError> errors = new ArrayList<>();
        for (String name : new TreeSet<>(params.names())) {
            if (!allowed.contains(name)) {
                errors.add(new FieldError(name, "is not a parameter of this endpoint"));
            } else if (params.getAll(name).size() > 1 && !LISTS.contains(name)) {
                errors.add(new FieldError(name, "must be given once"));
            }
        }
        TimeWindow window = RangeParser.parse(params.get("range"), params.get("from"), params.get("to"),
                params.get("tz"), params.get("granularity"), now, errors);
        List<UUID> projects = uuids(params, "project", errors);
        List<UUID> workflows = uuids(params, "workflow", errors);
        String q = params.get("q");
        if (q != null && (q.length() > 200 || q.indexOf('\u0000') >= 0)) {
            errors.add(new FieldError("q", "must be at most 200 characters, without NUL"));
        }
        Integer version = (Integer) number(params, "version", 1, Integer.MAX_VALUE, null, errors);
        List<String> statuses = oneOf(params, "status", STATUSES, List.of(), errors);
        List<String> triggers = oneOf(params, "trigger", TRIGGERS, DEFAULT_TRIGGERS, errors);
        long minRuns = (Integer) number(params, "minRuns", 0, Integer.MAX_VALUE, 0, errors);
        SortKey sort = SortKey.FAILURE_RATE;
        if (params.get("sort") != null) {
            sort = SortKey.fromWire(params.get("sort"));
            if (sort == null) {
                errors.add(new FieldError("sort", "must be one of failureRate, successRate, runs, failures, lastRun,"
                        + " slug"));
                sort = SortKey.FAILURE_RATE;
            }
        }
        String order = params.get("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            errors.add(new FieldError("order", "must be asc or desc"));
        }
        boolean descending = order == null ? sort.descendingByDefault : order.equals("desc");
        int limit = (Integer) number(params, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, errors);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        MetricsQuery query = new MetricsQuery(window, projects, workflows, q == null || q.isBlank() ? null : q,
                version, statuses, triggers, minRuns, sort, descending, limit, 0);
        String cursor = params.get("cursor");
        if (cursor == null) {
            return query;
        }
        int offset = cursors.offset(cursor, query);
        if (offset < 0) {
            throw invalid(List.of(new FieldError("cursor", "is not a cursor of this listing (use nextCursor as"
                    + " given, with the same filters)")));
        }
        return new MetricsQuery(window, projects, workflows, query.slugContains(), version, statuses, triggers,
                minRuns, sort, descending, limit, offset);
    }

    static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(new Problem("/problems/invalid-query", "Invalid query", 400,
                errors.size() == 1 ? "1 parameter is invalid" : errors.size() + " parameters are invalid",
                List.copyOf(errors)));
    }

    private static List<String> values(MultiMap params, String name) {
        List<String> values = new ArrayList<>();
        for (String v : params.getAll(name)) {
            Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(values::add);
        }
        return values;
    }

    private static List<UUID> uuids(MultiMap params, String name, List<FieldError> errors) {
        List<UUID> ids = new ArrayList<>();
        for (String v : values(params, name)) {
            UUID id = CanonicalUuid.parse(v);
            if (id == null) {
                errors.add(new FieldError(name, "must be UUIDs, comma-separated"));
                return List.of();
            }
            ids.add(id);
        }
        if (ids.size() > 100) {
            errors.add(new FieldError(name, "must name at most 100 ids"));
        }
        return ids.stream().distinct().toList();
    }

    private static List<String> oneOf(MultiMap params, String name, List<String> allowed, List<String> fallback,
            List<FieldError> errors) {
        List<String> given = values(params, name);
        if (given.isEmpty()) {
            return fallback;
        }
        if (!allowed.containsAll(given)) {
            errors.add(new FieldError(name, "must be among " + String.join(", ", allowed)));
            return fallback;
        }
        return given.stream().distinct().sorted().toList();
    }

    private static Object number(MultiMap params, String name, int min, int max, Integer fallback,
            List<FieldError> errors) {
        String v = params.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be an integer from " + min + " to " + max));
        return fallback;
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new TreeSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }
}
