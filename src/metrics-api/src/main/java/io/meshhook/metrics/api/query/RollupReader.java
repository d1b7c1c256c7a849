package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.meshhook.metrics.data.rates.RunCounts;
import io.meshhook.metrics.data.time.TimeWindow;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** Runs MetricsSql for one query on one tenant-scoped connection and maps rows to values. */
final class RollupReader {

    /** A workflow: its project and slug. */
    record Key(UUID projectId, String slug) {
    }

    /** A visible workflow with its versions and last run (all time, from the counters). */
    record Workflow(Key key, List<UUID> workflowIds, List<Integer> versions, Instant lastRunAt,
            String lastRunStatus) {
    }

    /** Counts of one workflow in the current and previous period, with the duration sum and max. */
    record PeriodFigures(RunCounts current, RunCounts previous, long durationSumMs, Long durationMaxMs) {
        static final PeriodFigures NONE = new PeriodFigures(RunCounts.NONE, RunCounts.NONE, 0, null);
    }

    /** One bucket of a series, as counted. */
    record Bucket(Instant start, RunCounts counts) {
    }

    private final SqlConnection connection;
    private final MetricsQuery query;
    private final Set<Integer> localDayStarts;

    /**
     * A reader of one query's rollups; {@code localDayStarts}: the day starts the local-day level keeps
     * (LOCAL_DAY_STARTS), read only when the query is unfiltered.
     */
    RollupReader(SqlConnection connection, MetricsQuery query, Set<Integer> localDayStarts) {
        this.connection = connection;
        this.query = query;
        this.localDayStarts = query.unfiltered() ? localDayStarts : Set.of();
    }

    /** The day starts the local-day level keeps, read in the caller's transaction. */
    static Uni<Set<Integer>> localDayStarts(SqlConnection connection) {
        return connection.preparedQuery(MetricsSql.LOCAL_DAY_STARTS).execute().map(rows -> {
            Set<Integer> starts = new HashSet<>();
            rows.forEach(r -> starts.add(r.getInteger(0)));
            return Set.copyOf(starts);
        });
    }

    /** Every workflow the query lists, before its figures filter them. */
    static Uni<List<Workflow>> workflows(SqlConnection connection, MetricsQuery query) {
        return connection.preparedQuery(MetricsSql.WORKFLOWS).execute(Tuple.of(
                query.projects().toArray(UUID[]::new), query.workflows().toArray(UUID[]::new),
                query.slugContains(), query.version())).map(rows -> {
                    List<Workflow> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(new Workflow(key(r), List.of(r.getArrayOfUUIDs("workflow_ids")),
                                List.of(r.getArrayOfIntegers("versions")), instant(r, "last_run_at"),
                                r.getString("last_run_status")));
                    }
                    return list;
                });
    }

    Uni<Map<Key, PeriodFigures>> figures(List<Key> keys) {
        TimeWindow w = query.window();
        return run(MetricsSql.FIGURES, keys,
                RollupPieces.of(w.previousFrom(), w.to(), List.of(w.from()), localDayStarts), offset(w.from()))
                .map(rows -> {
                    Map<Key, PeriodFigures> figures = new HashMap<>();
                    for (Row r : rows) {
                        figures.put(key(r), new PeriodFigures(
                                counts(r, ""), counts(r, "prev_"), number(r, "duration_sum_ms"),
                                r.getLong("duration_max_ms")));
                    }
                    return figures;
                });
    }

    /** What the summary needs of each workflow, read at once (WINDOW_ROWS). */
    record WindowFigures(Map<Key, PeriodFigures> figures, Map<Key, Integer[]> histograms,
            Map<Key, List<Bucket>> lines) {
    }

    /**
     * The figures of both periods, the current period's histograms and the series buckets of each workflow, from
     * one read of the rollups: rows never straddle a cut, so each falls whole into one local bucket.
     */
    Uni<WindowFigures> window(List<Key> keys) {
        TimeWindow w = query.window();
        List<Instant> cuts = new ArrayList<>();
        w.bucketStarts().forEach(b -> cuts.add(b.toInstant()));
        long[] bucketStarts = cuts.stream().mapToLong(Instant::getEpochSecond).sorted().toArray();
        cuts.add(w.from());
        long from = w.from().getEpochSecond();
        // buckets of a day or more: the rows carry their histograms; finer ones: HISTOGRAMS reads whole days
        boolean histogramsInRows = w.granularity().nominal().compareTo(java.time.Duration.ofDays(1)) >= 0;
        Uni<Map<Key, Integer[]>> separateHistograms = histogramsInRows
                ? Uni.createFrom().item(Map.of())
                : histograms(keys);
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> windowRows = run(MetricsSql.WINDOW_ROWS, keys,
                RollupPieces.of(w.previousFrom(), w.to(), cuts, localDayStarts), offset(w.from()), histogramsInRows);
        // pipelined on the connection
        return Uni.combine().all().unis(windowRows, separateHistograms).asTuple().map(both -> {
            io.vertx.mutiny.sqlclient.RowSet<Row> rows = both.getItem1();
            Map<Key, Totals> totals = new HashMap<>();
            for (Row r : rows) {
                Totals t = totals.computeIfAbsent(key(r), k -> new Totals());
                long start = r.getOffsetDateTime("bucket_start").toEpochSecond();
                RunCounts c = counts(r, "");
                if (start < from) {
                    t.previous = t.previous.plus(c);
                    continue;
                }
                t.current = t.current.plus(c);
                t.durationSumMs += number(r, "duration_sum_ms");
                Long max = r.getLong("duration_max_ms");
                if (max != null) {
                    t.durationMaxMs = t.durationMaxMs == null
                            ? max
                            : Long.valueOf(Math.max(t.durationMaxMs, max));
                }
                Integer[] histogram = r.getArrayOfIntegers("duration_hist");
                if (histogram != null) {
                    t.histograms.add(histogram);
                }
                int b = java.util.Arrays.binarySearch(bucketStarts, start);
                long bucket = bucketStarts[b >= 0 ? b : Math.max(0, -b - 2)];
                t.buckets.merge(bucket, c, RunCounts::plus);
            }
            Map<Key, PeriodFigures> figures = new HashMap<>();
            Map<Key, Integer[]> histograms = new HashMap<>();
            Map<Key, List<Bucket>> lines = new HashMap<>();
            totals.forEach((key, t) -> {
                figures.put(key, new PeriodFigures(t.current, t.previous, t.durationSumMs, t.durationMaxMs));
                if (!t.histograms.isEmpty()) {
                    histograms.put(key, Series.sum(t.histograms));
                }
                List<Bucket> line = new ArrayList<>();
                t.buckets.forEach((start, c) -> line.add(new Bucket(Instant.ofEpochSecond(start), c)));
                lines.put(key, line);
            });
            if (!histogramsInRows) {
                histograms.putAll(both.getItem2());
            }
            return new WindowFigures(figures, histograms, lines);
        });
    }

    /** One workflow's sums while the rows of WINDOW_ROWS are read. */
    private static final class Totals {
        RunCounts current = RunCounts.NONE;
        RunCounts previous = RunCounts.NONE;
        long durationSumMs;
        Long durationMaxMs;
        final List<Integer[]> histograms = new ArrayList<>();
        final java.util.TreeMap<Long, RunCounts> buckets = new java.util.TreeMap<>();
    }

    Uni<Map<Key, Integer[]>> histograms(List<Key> keys) {
        return run(MetricsSql.HISTOGRAMS, keys, whole()).map(rows -> {
            Map<Key, List<Integer[]>> perKey = new HashMap<>();
            rows.forEach(r -> perKey.computeIfAbsent(key(r), k -> new ArrayList<>())
                    .add(r.getArrayOfIntegers("duration_hist")));
            Map<Key, Integer[]> histograms = new HashMap<>();
            perKey.forEach((key, arrays) -> histograms.put(key, Series.sum(arrays)));
            return histograms;
        });
    }

    Uni<List<Bucket>> series(List<Key> keys) {
        return run(MetricsSql.SERIES, keys, byBucket(), query.window().granularity().sqlField(),
                query.window().zone().getId()).map(rows -> {
                    List<Bucket> buckets = new ArrayList<>();
                    rows.forEach(r -> buckets.add(new Bucket(instant(r, "bucket"), counts(r, ""))));
                    return buckets;
                });
    }

    /** The buckets of several series added up, oldest first: the series of their workflows together. */
    static List<Bucket> sumOf(Iterable<List<Bucket>> lines) {
        java.util.TreeMap<Instant, RunCounts> total = new java.util.TreeMap<>();
        for (List<Bucket> line : lines) {
            for (Bucket b : line) {
                total.merge(b.start(), b.counts(), RunCounts::plus);
            }
        }
        List<Bucket> buckets = new ArrayList<>();
        total.forEach((start, counts) -> buckets.add(new Bucket(start, counts)));
        return buckets;
    }

    /** Each version's figures in the range, newest version first, for one workflow (never from local days). */
    Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> versions(Key key) {
        return run(MetricsSql.VERSIONS, List.of(key),
                RollupPieces.of(query.window().from(), query.window().to(), List.of()));
    }

    /** The window read in one piece per level (no cut inside). */
    private RollupPieces whole() {
        return RollupPieces.of(query.window().from(), query.window().to(), List.of(), localDayStarts);
    }

    /** The window cut at every local bucket start of the series. */
    private RollupPieces byBucket() {
        TimeWindow w = query.window();
        return RollupPieces.of(w.from(), w.to(), w.bucketStarts().stream().map(b -> b.toInstant()).toList(),
                localDayStarts);
    }

    /** Runs a statement over keys and pieces with the shared parameters $1..$14, then the extra ones. */
    private Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> run(MetricsSql.Levels statement, List<Key> keys,
            RollupPieces pieces, Object... extra) {
        // many workflows over many ranges: scan each range once per project instead of once per workflow
        String sql = keys.size() >= 16 && pieces.rangeCount() >= 16 ? statement.byProject() : statement.byKey();
        List<Object> params = new ArrayList<>(List.of(
                keys.stream().map(Key::projectId).toArray(UUID[]::new),
                keys.stream().map(Key::slug).toArray(String[]::new),
                pieces.daily().fromArray(), pieces.daily().toArray(), pieces.hourly().fromArray(),
                pieces.hourly().toArray(), pieces.quarters().fromArray(), pieces.quarters().toArray(),
                query.triggers().toArray(String[]::new)));
        params.add(query.version());
        params.add(pieces.localDays().fromArray());
        params.add(pieces.localDays().toArray());
        params.add(pieces.localDays().minutesArray());
        params.add(pieces.totals());
        params.addAll(java.util.Arrays.asList(extra));
        return connection.preparedQuery(sql).execute(Tuple.from(params));
    }

    static OffsetDateTime offset(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Key key(Row r) {
        return new Key(r.getUUID("project_id"), r.getString("workflow_slug"));
    }

    private static RunCounts counts(Row r, String prefix) {
        return new RunCounts(number(r, prefix + "succeeded"), number(r, prefix + "failed"),
                number(r, prefix + "timed_out"), number(r, prefix + "canceled"),
                r.getColumnIndex(prefix + "retried") >= 0 ? number(r, prefix + "retried") : 0);
    }

    private static long number(Row r, String column) {
        Long value = r.getLong(column);
        return value == null ? 0 : value;
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
