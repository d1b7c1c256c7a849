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

    /** Above this many rows of (workflow, bucket), histograms are read from whole days instead of with the rows. */
    static final long HISTOGRAM_ROWS = 200;

    private final SqlConnection connection;
    private final MetricsQuery query;
    private final Set<Integer> localDayStarts;
    /** Whether this reader reads part of a project's workflows (see {@link #part}). */
    private final boolean part;

    /**
     * A reader of one query's rollups; {@code localDayStarts}: the day starts the local-day level keeps
     * (LOCAL_DAY_STARTS), read only when the query is unfiltered.
     */
    RollupReader(SqlConnection connection, MetricsQuery query, Set<Integer> localDayStarts) {
        this(connection, query, query.unfiltered() ? localDayStarts : Set.of(), false);
    }

    private RollupReader(SqlConnection connection, MetricsQuery query, Set<Integer> localDayStarts, boolean part) {
        this.connection = connection;
        this.query = query;
        this.localDayStarts = localDayStarts;
        this.part = part;
    }

    /**
     * This reader for a part of the workflows that another connection's reader complements (a summary's halves):
     * where it reads per project, it reads the local days per workflow, so that the two parts do not scan the same
     * local-day pages (LevelStatement's byProjectLocalDaysByKey).
     */
    RollupReader part() {
        return new RollupReader(connection, query, localDayStarts, true);
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

    /** What the endpoints need of each workflow, read at once (WINDOW_ROWS). */
    record WindowFigures(Map<Key, PeriodFigures> figures, Map<Key, Integer[]> histograms,
            Map<Key, List<Bucket>> lines) {

        /** These figures with histograms read apart (none: these as they are). */
        WindowFigures withHistograms(Map<Key, Integer[]> read) {
            if (read.isEmpty()) {
                return this;
            }
            Map<Key, Integer[]> all = new HashMap<>(histograms);
            all.putAll(read);
            return new WindowFigures(figures, all, lines);
        }

        /** The figures of two disjoint sets of workflows together. */
        WindowFigures plus(WindowFigures other) {
            Map<Key, PeriodFigures> f = new HashMap<>(figures);
            f.putAll(other.figures);
            Map<Key, Integer[]> h = new HashMap<>(histograms);
            h.putAll(other.histograms);
            Map<Key, List<Bucket>> l = new HashMap<>(lines);
            l.putAll(other.lines);
            return new WindowFigures(f, h, l);
        }

        /** These figures of the current period with the previous period's, read apart (Periods.PREVIOUS). */
        WindowFigures withPrevious(WindowFigures earlier) {
            Map<Key, PeriodFigures> f = new HashMap<>(figures);
            earlier.figures.forEach((key, p) -> f.merge(key, p, (current, previous) -> new PeriodFigures(
                    current.current(), previous.previous(), current.durationSumMs(), current.durationMaxMs())));
            Map<Key, List<Bucket>> l = new HashMap<>(lines);
            earlier.lines.forEach(l::putIfAbsent); // a workflow with runs in the previous period only: no buckets
            return new WindowFigures(f, histograms, l);
        }
    }

    /** This query's reader on another connection of the same user (see TenantScope.besideAsUser). */
    RollupReader on(SqlConnection other) {
        return new RollupReader(other, query, localDayStarts, part);
    }

    /**
     * Whether the rows of WINDOW_ROWS should carry the current period's histograms: when buckets are a day or more
     * (whole days are the coarsest level anyway) or when rows are few. Many finer buckets (a 30-day hourly trend:
     * 720 arrays; a 7-day summary: one per workflow and hour) would ship and add up far more arrays than
     * HISTOGRAMS, which reads the same period in whole days (a 30-day hourly trend: about 50).
     */
    boolean histogramsInRows(int keyCount) {
        TimeWindow w = query.window();
        return w.granularity().nominal().compareTo(java.time.Duration.ofDays(1)) >= 0
                || keyCount * w.pointCount() <= HISTOGRAM_ROWS;
    }

    /** The histograms that the rows of these keys do not carry (HISTOGRAMS), or none when they do. */
    Uni<Map<Key, Integer[]>> histogramsApart(List<Key> keys) {
        return histogramsInRows(keys.size()) ? Uni.createFrom().item(Map.of()) : histograms(keys);
    }

    /** Which periods of the window a read covers. */
    enum Periods {
        BOTH, CURRENT, PREVIOUS
    }

    /**
     * {@link #rows} of these periods, with the current period's histograms (read beside the rows on this connection
     * when not in them).
     */
    Uni<WindowFigures> window(List<Key> keys, Series.Frame frame, Periods periods) {
        if (periods == Periods.PREVIOUS) {
            return rows(keys, frame, false, periods);
        }
        // pipelined on the connection
        return Uni.combine().all().unis(rows(keys, frame, histogramsInRows(keys.size()), periods),
                histogramsApart(keys)).asTuple().map(both -> both.getItem1().withHistograms(both.getItem2()));
    }

    /** Whether {@link #rows} of these keys scans each range once per project (see {@link #perProject}). */
    boolean rowsPerProject(List<Key> keys, Series.Frame frame) {
        return perProject(keys.size(), pieces(frame, Periods.BOTH));
    }

    /**
     * The figures of both periods, the series buckets of each workflow and, when {@code withHistograms}, the current
     * period's histograms, from one read of the rollups: rows never straddle a cut, so each falls whole into one of
     * the frame's local buckets (the same frame the answer's series are drawn on).
     */
    Uni<WindowFigures> rows(List<Key> keys, Series.Frame frame, boolean withHistograms) {
        return rows(keys, frame, withHistograms, Periods.BOTH);
    }

    private Uni<WindowFigures> rows(List<Key> keys, Series.Frame frame, boolean withHistograms, Periods periods) {
        TimeWindow w = query.window();
        long from = w.from().getEpochSecond();
        return run(withHistograms ? MetricsSql.WINDOW_ROWS : MetricsSql.WINDOW_COUNTS, keys, pieces(frame, periods),
                Map.of("from", offset(w.from()))).map(rows -> {
                    // columns by position (WINDOW_ROWS), the workflow by its ordinal in the keys: a few thousand rows,
                    // and looking columns up by name and hashing a new slug string per row was most of the reader's
                    // time
                    Totals[] totals = new Totals[keys.size()];
                    int bucket = 0;
                    for (Row r : rows) {
                        int n = r.getInteger(0) - 1;
                        Totals t = totals[n] == null ? (totals[n] = new Totals(frame.size())) : totals[n];
                        long start = r.getOffsetDateTime(1).toEpochSecond();
                        RunCounts c = new RunCounts(r.getInteger(2), r.getInteger(3), r.getInteger(4),
                                r.getInteger(5), r.getInteger(6));
                        if (start < from) {
                            t.previous = t.previous.plus(c);
                            continue;
                        }
                        t.current = t.current.plus(c);
                        t.durationSumMs += r.getLong(7);
                        Long max = r.getLong(8);
                        if (max != null) {
                            t.durationMaxMs = t.durationMaxMs == null
                                    ? max
                                    : Long.valueOf(Math.max(t.durationMaxMs, max));
                        }
                        t.histograms.add(r.getString(9));
                        bucket = frame.bucketOf(start, bucket);
                        t.add(bucket, c);
                    }
                    Map<Key, PeriodFigures> figures = new HashMap<>();
                    Map<Key, Integer[]> histograms = new HashMap<>();
                    Map<Key, List<Bucket>> lines = new HashMap<>();
                    for (int n = 0; n < totals.length; n++) {
                        Totals t = totals[n];
                        if (t == null) {
                            continue;
                        }
                        Key key = keys.get(n);
                        figures.put(key, new PeriodFigures(t.current, t.previous, t.durationSumMs, t.durationMaxMs));
                        if (!t.histograms.isEmpty()) {
                            histograms.put(key, t.histograms.toArray());
                        }
                        List<Bucket> line = new ArrayList<>(t.filled);
                        for (int i = 0; i < t.buckets.length; i++) {
                            if (t.buckets[i] != null) {
                                line.add(new Bucket(Instant.ofEpochSecond(frame.start(i)), t.buckets[i]));
                            }
                        }
                        lines.put(key, line);
                    }
                    return new WindowFigures(figures, histograms, lines);
                });
    }

    /** The pieces of the periods, cut at the frame's buckets and at the current period's start. */
    private RollupPieces pieces(Series.Frame frame, Periods periods) {
        TimeWindow w = query.window();
        List<Instant> cuts = new ArrayList<>(frame.size() + 1);
        for (int i = 0; i < frame.size(); i++) {
            cuts.add(Instant.ofEpochSecond(frame.start(i)));
        }
        cuts.add(w.from());
        return RollupPieces.of(periods == Periods.CURRENT ? w.from() : w.previousFrom(),
                periods == Periods.PREVIOUS ? w.from() : w.to(), cuts, localDayStarts);
    }

    /** One workflow's sums while the rows of WINDOW_ROWS are read. */
    private static final class Totals {
        RunCounts current = RunCounts.NONE;
        RunCounts previous = RunCounts.NONE;
        long durationSumMs;
        Long durationMaxMs;
        final HistogramSum histograms = new HistogramSum();
        /** Counts by the frame's bucket index (an array: the frame is the answer's, a few hundred buckets). */
        final RunCounts[] buckets;
        int filled;

        Totals(int frameSize) {
            buckets = new RunCounts[frameSize];
        }

        void add(int bucket, RunCounts c) {
            if (buckets[bucket] == null) {
                buckets[bucket] = c;
                filled++;
            } else {
                buckets[bucket] = buckets[bucket].plus(c);
            }
        }
    }

    Uni<Map<Key, Integer[]>> histograms(List<Key> keys) {
        return run(MetricsSql.HISTOGRAMS, keys, whole(), Map.of()).map(rows -> {
            HistogramSum[] sums = new HistogramSum[keys.size()];
            for (Row r : rows) {
                int n = r.getInteger(0) - 1;
                (sums[n] == null ? (sums[n] = new HistogramSum()) : sums[n]).add(r.getString(1));
            }
            Map<Key, Integer[]> histograms = new HashMap<>();
            for (int n = 0; n < sums.length; n++) {
                if (sums[n] != null) {
                    histograms.put(keys.get(n), sums[n].toArray());
                }
            }
            return histograms;
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
                RollupPieces.of(query.window().from(), query.window().to(), List.of()), Map.of());
    }

    /** The window read in one piece per level (no cut inside). */
    private RollupPieces whole() {
        return RollupPieces.of(query.window().from(), query.window().to(), List.of(), localDayStarts);
    }

    /** Runs a statement over the keys and the levels of the pieces, with the statement's own values. */
    private Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> run(LevelStatement statement, List<Key> keys,
            RollupPieces pieces, Map<String, Object> own) {
        List<LevelStatement.Level> levels = new ArrayList<>();
        if (!pieces.daily().isEmpty()) {
            levels.add(LevelStatement.Level.DAILY);
        }
        if (!pieces.hourly().isEmpty()) {
            levels.add(pieces.totals() ? LevelStatement.Level.HOURLY_TOTALS : LevelStatement.Level.HOURLY);
        }
        if (!pieces.quarters().isEmpty()) {
            levels.add(LevelStatement.Level.QUARTERS);
        }
        if (!pieces.localDays().isEmpty()) {
            levels.add(LevelStatement.Level.LOCAL_DAYS);
        }
        LevelStatement.Compiled compiled = statement.compile(levels, perProject(keys.size(), pieces), part);
        Map<String, Object> values = new HashMap<>(own);
        values.put("projects", keys.stream().map(Key::projectId).toArray(UUID[]::new));
        values.put("slugs", keys.stream().map(Key::slug).toArray(String[]::new));
        values.put("triggers", query.triggers().toArray(String[]::new));
        values.put("version", query.version());
        values.put("daily_from", pieces.daily().fromArray());
        values.put("daily_to", pieces.daily().toArray());
        values.put("hourly_from", pieces.hourly().fromArray());
        values.put("hourly_to", pieces.hourly().toArray());
        values.put("quarters_from", pieces.quarters().fromArray());
        values.put("quarters_to", pieces.quarters().toArray());
        values.put("local_from", pieces.localDays().fromArray());
        values.put("local_to", pieces.localDays().toArray());
        values.put("local_minutes", pieces.localDays().minutesArray());
        return connection.preparedQuery(compiled.sql()).execute(compiled.tuple(values));
    }

    /**
     * Whether to scan each range once per project (LevelStatement's byProject) instead of once per workflow: for many
     * workflows over many ranges, and for many workflows over the totals levels, whose project-ordered indexes carry
     * the figures (V12). A per-workflow scan reads at least one leaf page per workflow and range, even for a range of
     * two hours at an edge of the window; a per-project scan reads the range's rows of every workflow of the
     * project side by side, on a few leaf pages for all of them, and filters them against the keys. Reads of the
     * levels by version and trigger keep the per-workflow scan unless the ranges are many: their project indexes
     * do not carry the figures, and each row would be a heap page.
     */
    static boolean perProject(int keyCount, RollupPieces pieces) {
        return keyCount >= 16 && (pieces.rangeCount() >= 16 || pieces.totals());
    }

    static OffsetDateTime offset(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Key key(Row r) {
        return new Key(r.getUUID("project_id"), r.getString("workflow_slug"));
    }

    static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
