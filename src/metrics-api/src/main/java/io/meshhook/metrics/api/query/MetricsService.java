package io.meshhook.metrics.api.query;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.meshhook.metrics.api.query.Responses.Aggregate;
import io.meshhook.metrics.api.query.Responses.Change;
import io.meshhook.metrics.api.query.Responses.FailedRun;
import io.meshhook.metrics.api.query.Responses.Figures;
import io.meshhook.metrics.api.query.Responses.RangeInfo;
import io.meshhook.metrics.api.query.Responses.Summary;
import io.meshhook.metrics.api.query.Responses.TopError;
import io.meshhook.metrics.api.query.Responses.VersionFigures;
import io.meshhook.metrics.api.query.Responses.WorkflowDetail;
import io.meshhook.metrics.api.query.Responses.WorkflowSummary;
import io.meshhook.metrics.api.query.RollupReader.Key;
import io.meshhook.metrics.api.query.RollupReader.PeriodFigures;
import io.meshhook.metrics.api.query.RollupReader.Workflow;
import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.rates.RunCounts;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.meshhook.metrics.data.time.RangeParser;
import io.meshhook.metrics.data.time.TimeWindow;
import io.meshhook.metrics.data.validation.CanonicalUuid;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Answers the two metrics endpoints from the rollups, in tenant-scoped transactions (one, and a second beside it
 * for independent statements: TenantScope.besideAsUser): what RLS lets the caller see is all there is. Always read
 * from the database (no cache), so a read after a recorded run reflects it.
 */
@ApplicationScoped
public class MetricsService {

    private final TenantScope scope;
    private final QueryParser parser;
    private final Cursors cursors;
    private final Clock clock;
    private final int splitWorkflows;

    /**
     * The key of each workflow id a detail was asked for, and the day starts kept at the last detail: a detail of
     * the same workflow then reads its rows in the same round trip as the statements that find the workflow (and
     * check the caller may see it) instead of after them, and answers only once those statements agree. Only a hint:
     * shared by all callers, it grants nothing (every statement runs under the caller's row-level security, and a
     * workflow the caller cannot see is a 404 whatever it holds). At most 10,000 ids, then it starts over.
     */
    private final Map<UUID, Key> workflowKeys = new ConcurrentHashMap<>();
    private volatile Set<Integer> keptDayStarts;

    MetricsService(TenantScope scope, QueryParser parser, Cursors cursors, Clock clock,
            @ConfigProperty(name = "run-metrics.query.split-workflows", defaultValue = "8") int splitWorkflows) {
        this.scope = scope;
        this.parser = parser;
        this.cursors = cursors;
        this.clock = clock;
        this.splitWorkflows = splitWorkflows;
    }

    /** Every workflow the caller can see, filtered, sorted and paged, plus the aggregate over all that match. */
    public Uni<Summary> summary(Caller caller, MultiMap params) {
        Instant now = clock.instant();
        MetricsQuery query = parser.summary(params, now);
        // pipelined on the connection: the kept day starts and the workflows
        return scope.readAsUser(caller, TenantScope.Planning.CONNECTION, connection -> Uni.combine().all().unis(
                RollupReader.localDayStarts(connection), RollupReader.workflows(connection, query)).asTuple()
                .chain(t -> summary(caller, connection, new RollupReader(connection, query, t.getItem1()),
                        t.getItem2(), query, now)));
    }

    /** One workflow named by any of its versions' ids; 404 alike when it does not exist or is another tenant's. */
    public Uni<WorkflowDetail> workflow(Caller caller, String id, MultiMap params) {
        Instant now = clock.instant();
        MetricsQuery query = parser.detail(params, now);
        UUID workflowId = workflowId(id);
        Key guessedKey = workflowKeys.get(workflowId);
        Set<Integer> guessedStarts = keptDayStarts;
        // a detail's statements are about one workflow and a few ranges: the same plan is best for every workflow,
        // so each connection plans them once (their plans with parameters took 0.3-0.5 ms each, every request)
        return scope.readAsUser(caller, TenantScope.Planning.GENERIC, connection -> {
            // pipelined on the connection: the kept day starts and the workflow
            Uni<Target> target = Uni.combine().all().unis(RollupReader.localDayStarts(connection),
                    connection.preparedQuery(MetricsSql.RESOLVE).execute(Tuple.of(workflowId))).asTuple().map(t -> {
                        if (t.getItem2().size() == 0) {
                            throw notFound();
                        }
                        Row row = t.getItem2().iterator().next();
                        return new Target(new Key(row.getUUID("project_id"), row.getString("workflow_slug")),
                                t.getItem1());
                    }).memoize().indefinitely();
            if (guessedKey == null || guessedStarts == null) {
                return detail(caller, connection, target.invoke(t -> remember(workflowId, t)), query, now);
            }
            // the workflow seen last time, read at once: its rows behind the statements that check it, the rest
            // beside; answered once those statements agree, read again if the workflow or the kept day starts changed
            Uni<WorkflowDetail> guessed = detail(caller, connection,
                    Uni.createFrom().item(new Target(guessedKey, guessedStarts)), query, now);
            return Uni.combine().all().unis(target, guessed).asTuple().chain(t -> {
                Target found = t.getItem1();
                if (found.key().equals(guessedKey) && found.dayStarts().equals(guessedStarts)) {
                    return Uni.createFrom().item(t.getItem2());
                }
                remember(workflowId, found);
                return detail(caller, connection, Uni.createFrom().item(found), query, now);
            });
        });
    }

    private void remember(UUID workflowId, Target found) {
        if (workflowKeys.size() >= 10_000) {
            workflowKeys.clear();
        }
        workflowKeys.put(workflowId, found.key());
        keptDayStarts = found.dayStarts();
    }

    /** The workflow a detail is about, and the day starts kept (which its readers need). */
    private record Target(Key key, Set<Integer> dayStarts) {
    }

    /** Subscribes now (the work starts at once) and gives the outcome to whoever subscribes later, once. */
    private static <T> Uni<T> started(Uni<T> work) {
        Uni<T> memo = work.memoize().indefinitely();
        memo.subscribe().with(ignored -> {
        }, ignored -> {
        }); // the failure reaches the later subscriber
        return memo;
    }

    private Uni<Summary> summary(Caller caller, SqlConnection connection, RollupReader reader,
            List<Workflow> workflows, MetricsQuery query, Instant now) {
        List<Key> keys = workflows.stream().map(Workflow::key).toList();
        // the local buckets, worked out once for the read and every series of the answer
        Series.Frame frame = Series.frame(query.window(), now);
        // one read of the rollups gives the figures, histograms and series buckets of every workflow; with many
        // workflows, it is spread over two backends at once (the 30-day summary of 50 workflows is ~5,000 rows, most
        // of its time in PostgreSQL): by period or by halves of the workflows, as below
        Uni<RollupReader.WindowFigures> read;
        if (keys.size() < Math.max(2, splitWorkflows)) {
            read = reader.window(keys, frame, RollupReader.Periods.BOTH);
        } else if (reader.rowsPerProject(keys, frame) && previousMostlyKept(query.window(), now)) {
            // read per project, both halves of the workflows would scan the same ranges: the current period here,
            // the previous one beside (a 30-day summary: about as many rows each)
            read = Uni.combine().all().unis(reader.window(keys, frame, RollupReader.Periods.CURRENT),
                    scope.besideAsUser(caller, connection,
                            other -> reader.on(other).window(keys, frame, RollupReader.Periods.PREVIOUS)))
                    .asTuple().map(both -> both.getItem1().withPrevious(both.getItem2()));
        } else {
            List<Key> first = keys.subList(0, keys.size() / 2);
            List<Key> second = keys.subList(keys.size() / 2, keys.size());
            read = Uni.combine().all().unis(reader.part().window(first, frame, RollupReader.Periods.BOTH),
                    scope.besideAsUser(caller, connection,
                            other -> reader.part().on(other).window(second, frame, RollupReader.Periods.BOTH)))
                    .asTuple().map(both -> both.getItem1().plus(both.getItem2()));
        }
        return read.map(window -> {
            Map<Key, PeriodFigures> figures = window.figures();
            List<WorkflowSummary> listed = new ArrayList<>();
            for (Workflow w : workflows) {
                PeriodFigures f = figures.getOrDefault(w.key(), PeriodFigures.NONE);
                if (f.current().total() >= query.minRuns() && hasStatus(f.current(), query.statuses())) {
                    listed.add(summaryOf(w, f, null, null));
                }
            }
            listed.sort(query.sort().comparator(query.descending()));
            List<Key> listedKeys = listed.stream().map(w -> new Key(w.projectId(), w.workflowSlug())).toList();
            int end = Math.min(listed.size(), query.offset() + query.limit());
            List<WorkflowSummary> page = listed.subList(Math.min(query.offset(), end), end);
            List<WorkflowSummary> withDetail = page.stream().map(w -> {
                Key key = new Key(w.projectId(), w.workflowSlug());
                return summaryOf(workflows.stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow(),
                        figures.getOrDefault(key, PeriodFigures.NONE), window.histograms().get(key),
                        Series.sparkline(frame, window.lines().get(key)));
            }).toList();
            // the aggregate series: the buckets of every listed workflow added up
            List<RollupReader.Bucket> series = RollupReader.sumOf(listedKeys.stream()
                    .map(k -> window.lines().getOrDefault(k, List.of())).toList());
            Aggregate aggregate = aggregate(frame, listedKeys, figures, window.histograms(), series);
            String next = end < listed.size() ? cursors.next(query, end) : null;
            return new Summary(range(query), aggregate, withDetail, next);
        });
    }

    /**
     * Whether at least half of the window's previous period lies within the rollups' retention
     * (RangeParser.MAX_RANGE, 400 days). If not (a 365-day summary's previous period is 730 to 365 days ago), it is
     * mostly pruned, and reading it on a connection of its own would leave that connection idle while the other
     * reads every row: such a summary reads half of the workflows on each connection, even per project (each
     * scanning the project's ranges and keeping its own workflows' rows).
     */
    static boolean previousMostlyKept(TimeWindow w, Instant now) {
        Instant horizon = now.minus(RangeParser.MAX_RANGE);
        Instant kept = w.previousFrom().isAfter(horizon) ? w.previousFrom() : horizon;
        long period = w.from().getEpochSecond() - w.previousFrom().getEpochSecond();
        return 2 * (w.from().getEpochSecond() - kept.getEpochSecond()) >= period;
    }

    /**
     * A detail of the workflow {@code which} names: its rollup rows on this connection, the rest on another one
     * beside it, which opens and becomes the user meanwhile (while {@code which} is still being read, if it is).
     */
    private Uni<WorkflowDetail> detail(Caller caller, SqlConnection connection, Uni<Target> which,
            MetricsQuery query, Instant now) {
        Uni<Target> target = which.memoize().indefinitely();
        Uni<Beside> beside = started(scope.besideAsUser(caller, connection, TenantScope.Planning.GENERIC,
                other -> target.chain(t -> beside(new RollupReader(other, query, t.dayStarts()), other, query,
                        t.key()))));
        return target.chain(t -> detail(new RollupReader(connection, query, t.dayStarts()), query, t.key(), now,
                beside));
    }

    private Uni<WorkflowDetail> detail(RollupReader reader, MetricsQuery query, Key key, Instant now,
            Uni<Beside> beside) {
        TimeWindow w = query.window();
        Series.Frame frame = Series.frame(w, now);
        // independent statements, pipelined on two connections at once (about half of a 30-day hourly trend's time
        // was PostgreSQL's, one statement after the other): the rollup rows on this one; the versions, the recent
        // failures, the top errors and (with many buckets) the histograms by whole days beside it. Cold, a 30-day
        // hourly trend reads ~40 pages on this side since V14 and ~70 beside it; moving the histograms over to even
        // them out, or the versions to a third connection, did not make it faster (both sides wait on one disk)
        Uni<RollupReader.WindowFigures> rows = reader.rows(List.of(key), frame, reader.histogramsInRows(1));
        return Uni.combine().all().unis(rows, beside).asTuple().map(t -> {
            RollupReader.WindowFigures window = t.getItem1().withHistograms(t.getItem2().histograms());
            PeriodFigures f = window.figures().getOrDefault(key, PeriodFigures.NONE);
            List<VersionFigures> versions = versions(t.getItem2().versions());
            VersionFigures last = versions.stream().filter(v -> v.lastRunAt() != null)
                    .max(Comparator.comparing(VersionFigures::lastRunAt)).orElse(null);
            return new WorkflowDetail(range(query), key.projectId(), key.slug(), query.version(),
                    Figures.of(f.current()), Figures.of(f.previous()),
                    Change.between(f.current(), f.previous()),
                    Series.durations(f.current(), f.durationSumMs(), f.durationMaxMs(),
                            window.histograms().get(key)),
                    Series.points(frame, window.lines().getOrDefault(key, List.of())),
                    topErrors(t.getItem2().errors()), versions, last == null ? null : last.lastRunAt(),
                    last == null ? null : last.lastRunStatus(), failedRuns(t.getItem2().failures()));
        });
    }

    /** What a detail reads beside its rollup rows, on the other connection (or pipelined on the same one). */
    private static Uni<Beside> beside(RollupReader there, SqlConnection other, MetricsQuery query, Key key) {
        TimeWindow w = query.window();
        Tuple scoped = Tuple.from(List.of(key.projectId(), key.slug(), RollupReader.offset(w.from()),
                RollupReader.offset(w.to()), query.triggers().toArray(String[]::new)));
        scoped.addValue(query.version());
        return Uni.combine().all().unis(there.versions(key),
                other.preparedQuery(MetricsSql.RECENT_FAILURES).execute(scoped), there.histogramsApart(List.of(key)),
                other.preparedQuery(MetricsSql.TOP_ERRORS).execute(Tuple.of(key.projectId(), key.slug(),
                        RollupReader.offset(w.from().truncatedTo(ChronoUnit.HOURS)), RollupReader.offset(w.to()))))
                .asTuple().map(t -> new Beside(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4()));
    }

    /** What a detail reads beside its rollup rows. */
    private record Beside(io.vertx.mutiny.sqlclient.RowSet<Row> versions,
            io.vertx.mutiny.sqlclient.RowSet<Row> failures, Map<Key, Integer[]> histograms,
            io.vertx.mutiny.sqlclient.RowSet<Row> errors) {
    }

    private static WorkflowSummary summaryOf(Workflow w, PeriodFigures f, Integer[] histogram,
            List<Double> sparkline) {
        return new WorkflowSummary(w.key().projectId(), w.key().slug(), w.workflowIds(),
                w.versions().stream().sorted().toList(), Figures.of(f.current()), Figures.of(f.previous()),
                Change.between(f.current(), f.previous()),
                histogram == null && sparkline == null
                        ? null
                        : Series.durations(f.current(), f.durationSumMs(), f.durationMaxMs(), histogram),
                w.lastRunAt(), w.lastRunStatus(), sparkline);
    }

    private static Aggregate aggregate(Series.Frame frame, List<Key> keys, Map<Key, PeriodFigures> figures,
            Map<Key, Integer[]> histograms, List<RollupReader.Bucket> series) {
        RunCounts current = RunCounts.NONE;
        RunCounts previous = RunCounts.NONE;
        long sum = 0;
        Long max = null;
        for (Key key : keys) {
            PeriodFigures f = figures.getOrDefault(key, PeriodFigures.NONE);
            current = current.plus(f.current());
            previous = previous.plus(f.previous());
            sum += f.durationSumMs();
            if (f.durationMaxMs() != null) {
                // not one ternary: mixing Long and long there unboxes a null max
                max = max == null ? f.durationMaxMs() : Long.valueOf(Math.max(max, f.durationMaxMs()));
            }
        }
        HistogramSum all = new HistogramSum();
        keys.forEach(key -> all.add(histograms.get(key)));
        Integer[] histogram = all.isEmpty() ? null : all.toArray();
        return new Aggregate(keys.size(), Figures.of(current), Figures.of(previous),
                Change.between(current, previous), Series.durations(current, sum, max, histogram),
                Series.points(frame, series));
    }

    private static boolean hasStatus(RunCounts c, List<String> statuses) {
        if (statuses.isEmpty()) {
            return true;
        }
        return statuses.stream().anyMatch(s -> switch (s) {
            case "succeeded" -> c.succeeded() > 0;
            case "failed" -> c.failed() > 0;
            case "timed_out" -> c.timedOut() > 0;
            default -> c.canceled() > 0;
        });
    }

    private static RangeInfo range(MetricsQuery query) {
        TimeWindow w = query.window();
        return new RangeInfo(w.local(w.from()).toOffsetDateTime(), w.local(w.to()).toOffsetDateTime(), w.preset(),
                w.zone().getId(), w.granularity().wireName(), w.local(w.previousFrom()).toOffsetDateTime(),
                query.triggers(), "from and to are widened to whole 15-minute buckets; previous period = the same"
                        + " length just before from");
    }

    private static List<VersionFigures> versions(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<VersionFigures> list = new ArrayList<>();
        for (Row r : rows) {
            RunCounts c = new RunCounts(r.getLong("succeeded"), r.getLong("failed"), r.getLong("timed_out"),
                    r.getLong("canceled"), r.getLong("retried"));
            list.add(new VersionFigures(r.getUUID("workflow_id"), r.getInteger("workflow_version"), Figures.of(c),
                    RollupReader.instant(r, "last_run_at"), r.getString("last_run_status")));
        }
        return list;
    }

    private static List<TopError> topErrors(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<TopError> list = new ArrayList<>();
        rows.forEach(r -> list.add(new TopError(r.getString("error_code"), r.getString("sample_message"),
                r.getLong("occurrences"), RollupReader.instant(r, "last_seen_at"))));
        return list;
    }

    private static List<FailedRun> failedRuns(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<FailedRun> list = new ArrayList<>();
        rows.forEach(r -> list.add(new FailedRun(r.getUUID("run_id"), r.getInteger("workflow_version"),
                r.getString("status"), RollupReader.instant(r, "finished_at"), r.getLong("duration_ms"),
                r.getString("error_code"), r.getString("error_message"), r.getString("error_step"))));
        return list;
    }

    private static UUID workflowId(String id) {
        UUID uuid = CanonicalUuid.parse(id);
        if (uuid == null) {
            throw notFound(); // a malformed id names no workflow: the same 404 as an unknown one
        }
        return uuid;
    }

    private static ProblemException notFound() {
        return new ProblemException(Problem.of(404, "workflow-not-found", "Workflow not found",
                "No workflow with this id is visible to you."));
    }

}
