package io.meshhook.metrics.api.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A statement over the rollup levels: a head and a tail around the union of the levels that a query's pieces
 * (RollupPieces) actually need, so that PostgreSQL plans (and checks row-level security for) only the tables it
 * reads. The statement is written with named parameters ({@code @name}); each shape (the levels present, read per
 * key or per project) is compiled once into positional SQL, which the connection then prepares once.
 * <p>
 * Parameters every statement may use: {@code @projects}/{@code @slugs} the keys (distinct; {@code k.n} is a key's
 * ordinal, from 1), {@code @triggers} and
 * {@code @version} the filters of the levels with version and trigger dimensions; the statement's own (such as
 * {@code @from}) come from the caller.
 */
final class LevelStatement {

    /** The levels, in the order their branches are written. */
    enum Level {
        DAILY, HOURLY, HOURLY_TOTALS, QUARTERS, LOCAL_DAYS
    }

    /** The columns every level gives its statement ({@code workflow_id} is null where the level has none). */
    private static final String COLUMNS = """
            x.project_id, x.workflow_slug, x.bucket_start, x.succeeded, x.failed, x.timed_out, x.canceled, \
            x.retried, x.duration_sum_ms, x.duration_max_ms, x.duration_hist""";

    /**
     * The filters of the levels with version and trigger dimensions. The trigger is tested by array_position, not
     * {@code x.trigger = any(...)}: as an index condition on the keys' last column (after workflow_id, which nothing
     * bounds), PostgreSQL 15 descends the index once per trigger and per workflow of an {@code any} on the slug, and
     * each of those descents bounds nothing more than one would. On the 10-million-outcome data set the 30-day
     * summary's 15-minute edges (two ranges, 50 workflows, four triggers: 400 descents) read 1,663 buffers for 31
     * rows; as a filter on the rows the range scans return, the trigger costs no page.
     */
    private static final String FILTERED = " and array_position(@triggers::text[], x.trigger) is not null"
            + " and (@version::integer is null or x.workflow_version = @version::integer)";

    /**
     * One branch per level: its table, its ranges' parameters and whether it has version and trigger. Each range
     * is a lateral subquery of its own behind {@code offset 0} (which keeps the planner from flattening it into a
     * join), so that it is always one index range scan bounded by both ends: as a join of the ranges, the planner
     * chose to read a workflow's whole index (2,000 hours) once and filter it against each range, which took the
     * 30-day summary from 45 ms to 165 ms once the hourly totals had a covering index.
     */
    private static String branch(Level level, String keyCondition) {
        return switch (level) {
            case DAILY -> rangeBranch("daily", "workflow_run_rollups_daily", true, keyCondition);
            case HOURLY -> rangeBranch("hourly", "workflow_run_rollups_hourly", true, keyCondition);
            case HOURLY_TOTALS -> rangeBranch("hourly", "workflow_run_rollups_hourly_totals", false, keyCondition);
            case QUARTERS -> rangeBranch("quarters", "workflow_run_rollups", true, keyCondition);
            case LOCAL_DAYS -> """
                    select x.* from unnest(@local_from::timestamptz[], @local_to::timestamptz[],
                        @local_minutes::smallint[]) as q(f, t, m)
                    cross join lateral (
                        select %1$s, null::uuid as workflow_id from workflow_run_rollups_local_daily x
                        where %2$s and x.start_minute = q.m and x.bucket_start >= q.f and x.bucket_start < q.t
                        offset 0) x
                    """.formatted(COLUMNS, keyCondition);
        };
    }

    private static String rangeBranch(String ranges, String table, boolean filtered, String keyCondition) {
        return """
                select x.* from unnest(@%3$s_from::timestamptz[], @%3$s_to::timestamptz[]) as q(f, t)
                cross join lateral (
                    select %1$s, %2$s as workflow_id from %4$s x
                    where %5$s and x.bucket_start >= q.f and x.bucket_start < q.t%6$s
                    offset 0) x
                """
                .formatted(COLUMNS, filtered ? "x.workflow_id" : "null::uuid", ranges, table, keyCondition,
                        filtered ? FILTERED : "");
    }

    /** By key: one index range scan per workflow and range, best for few workflows or few ranges. */
    private static String byKey(List<Level> levels) {
        List<String> branches = levels.stream()
                .map(l -> branch(l, "x.project_id = k.project_id and x.workflow_slug = k.workflow_slug")).toList();
        return """
                from unnest(@projects::uuid[], @slugs::text[]) with ordinality as k(project_id, workflow_slug, n)
                cross join lateral (
                %s) r
                """.formatted(String.join("union all\n", branches));
    }

    /**
     * By project: one index range scan per project and range, keeping the keys' rows (RollupReader.perProject).
     * The scan drops the other workflows' rows itself (the slug is in the totals' project indexes since V12), so
     * that each half of a summary read on two connections returns only its own.
     */
    private static String byProject(List<Level> levels) {
        List<String> branches = levels.stream().map(l -> branch(l, "x.project_id = any(@projects::uuid[]) and "
                + (l == Level.QUARTERS
                        // the 15-minute rows at a window's edges are few (one or two partial hours): read through the
                        // (project, time) index, one heap page a row at worst (the benchmark's bulk-loaded rows; rows
                        // written as runs arrive lie closer); with the slug as an index condition the key would be
                        // descended once per workflow and range (a 30-day summary's 50 workflows: 100 descents, ~100
                        // leaf pages cold)
                        ? "array_position(@slugs::text[], x.workflow_slug) is not null"
                        : "x.workflow_slug = any(@slugs::text[])")))
                .toList();
        return """
                from (
                %s) r
                join unnest(@projects::uuid[], @slugs::text[]) with ordinality as k(project_id, workflow_slug, n)
                    on k.project_id = r.project_id and k.workflow_slug = r.workflow_slug
                """.formatted(String.join("union all\n", branches));
    }

    /**
     * By project, but the local days by key: for a read of some of a project's workflows (half of them, beside a
     * read of the other half). Read per project, both halves would scan the same local-day pages (a 365-day summary's
     * 378 buffers each, half of the rows dropped by each); a workflow's local days lie side by side in the key, so
     * per key each half reads its own. The edges stay per project: few rows, and per key one descent per workflow
     * and range.
     */
    private static String byProjectLocalDaysByKey(List<Level> levels) {
        List<Level> others = levels.stream().filter(l -> l != Level.LOCAL_DAYS).toList();
        // each shape's own from-clause, made a select of the key's ordinal and the level's columns
        List<String> parts = new ArrayList<>(List.of(byKey(List.of(Level.LOCAL_DAYS))));
        if (!others.isEmpty()) {
            parts.add(byProject(others));
        }
        return "from (\n" + parts.stream().map(p -> p.replaceFirst("^from ", "select k.n, r.* from "))
                .collect(Collectors.joining("union all\n")) + ") r\ncross join lateral (select r.n) k\n";
    }

    private static final Pattern NAME = Pattern.compile("@([a-z_]+)");

    /** A shape compiled to positional SQL: the parameters' names in the order of $1, $2, … */
    record Compiled(String sql, List<String> names) {
        Tuple tuple(Map<String, Object> values) {
            List<Object> list = new ArrayList<>(names.size());
            for (String name : names) {
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("no value for @" + name);
                }
                list.add(values.get(name));
            }
            return Tuple.from(list);
        }
    }

    private final String head;
    private final String tail;
    private final Map<Integer, Compiled> shapes = new ConcurrentHashMap<>();

    LevelStatement(String head, String tail) {
        this.head = head;
        this.tail = tail;
    }

    /**
     * The statement for these levels (none: the 15-minute branch, which then finds nothing), per key or per project,
     * and then with the local days per key when {@code localDaysByKey}.
     */
    Compiled compile(List<Level> levels, boolean perProject, boolean localDaysByKey) {
        List<Level> present = levels.isEmpty() ? List.of(Level.QUARTERS) : levels;
        boolean mixed = perProject && localDaysByKey && present.contains(Level.LOCAL_DAYS);
        int shape = (perProject ? 1 : 0) | (mixed ? 1 << 10 : 0);
        for (Level l : present) {
            shape |= 2 << l.ordinal();
        }
        return shapes.computeIfAbsent(shape, s -> positional(head + (mixed
                ? byProjectLocalDaysByKey(present)
                : perProject ? byProject(present) : byKey(present)) + tail));
    }

    /** Replaces each distinct {@code @name} by $1, $2, … in the order of first appearance. */
    static Compiled positional(String named) {
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(named);
        StringBuilder sql = new StringBuilder();
        while (m.find()) {
            int index = names.indexOf(m.group(1));
            if (index < 0) {
                names.add(m.group(1));
                index = names.size() - 1;
            }
            m.appendReplacement(sql, "\\$" + (index + 1));
        }
        m.appendTail(sql);
        return new Compiled(sql.toString(), List.copyOf(names));
    }
}
