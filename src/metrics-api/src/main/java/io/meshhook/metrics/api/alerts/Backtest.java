package io.meshhook.metrics.api.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.api.alerts.BacktestReplay.Firing;
import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.problem.FieldError;
import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.rates.RunCounts;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * How often a draft rule would have fired over the last 30 days, replayed from the 15-minute rollups only: one
 * query for every bucket of the scope, then a sliding window per workflow in Java (see BacktestReplay).
 */
@ApplicationScoped
public class Backtest {

    static final Duration PERIOD = Duration.ofDays(30);

    /** The answer: every firing, newest last, and what was evaluated. */
    @RegisterForReflection
    public record Result(int firings, List<Firing> fired, Instant evaluatedFrom, Instant evaluatedTo, int steps,
            int workflows, String window, String note) {
    }

    /**
     * $1 project, $2 slug or null, $3 from, $4 to. Runs per workflow and bucket, all versions and triggers but
     * test runs (which the counters leave out too).
     */
    static final String BUCKETS = """
            select r.workflow_slug, r.bucket_start, sum(r.succeeded) as succeeded, sum(r.failed) as failed,
                sum(r.timed_out) as timed_out, sum(r.canceled) as canceled
            from workflow_run_rollups r
            where r.project_id = $1 and ($2::text is null or r.workflow_slug = $2)
              and r.bucket_start >= $3 and r.bucket_start < $4 and r.trigger <> 'test'
            group by r.workflow_slug, r.bucket_start
            """;

    private final TenantScope scope;
    private final Clock clock;

    Backtest(TenantScope scope, Clock clock) {
        this.scope = scope;
        this.clock = clock;
    }

    public Uni<Result> run(Caller caller, ObjectNode body) {
        RuleDraft rule = RuleParser.parse(body, RuleParser.Mode.BACKTEST);
        if (rule.metric() == Metric.CONSECUTIVE_FAILURES) {
            throw new ProblemException(new Problem("/problems/backtest-unsupported", "Cannot backtest this rule",
                    422, "consecutiveFailures depends on the order of individual runs, which the 15-minute rollups"
                            + " do not keep; the backtest supports failureRate, successRate, failures and runsBelow.",
                    List.of(new FieldError("metric", "consecutiveFailures cannot be backtested"))));
        }
        long stepSeconds = BacktestReplay.STEP.toSeconds();
        long nowSeconds = clock.instant().getEpochSecond();
        // only whole buckets: the one still filling would make the last step look like a drop in traffic
        Instant to = Instant.ofEpochSecond(nowSeconds - Math.floorMod(nowSeconds, stepSeconds));
        Instant from = to.minus(PERIOD);
        int steps = (int) (PERIOD.toSeconds() / stepSeconds);
        int wb = BacktestReplay.windowBuckets(rule.windowSeconds());
        Instant fetchFrom = from.minus(BacktestReplay.STEP.multipliedBy(wb));
        return scope.queryAsUser(caller, c -> RuleService.requireProject(c, rule.projectId())
                .chain(() -> c.preparedQuery(BUCKETS).execute(Tuple.of(rule.projectId(), rule.workflowSlug(),
                        OffsetDateTime.ofInstant(fetchFrom, ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(to, ZoneOffset.UTC)))))
                .map(rows -> {
                    Map<String, RunCounts[]> perWorkflow = new LinkedHashMap<>();
                    for (Row r : rows) {
                        RunCounts[] buckets = perWorkflow.computeIfAbsent(r.getString("workflow_slug"),
                                s -> new RunCounts[steps + wb]);
                        long offset = r.getOffsetDateTime("bucket_start").toEpochSecond() - fetchFrom.getEpochSecond();
                        buckets[(int) (offset / stepSeconds)] = new RunCounts(r.getLong("succeeded"),
                                r.getLong("failed"), r.getLong("timed_out"), r.getLong("canceled"), 0);
                    }
                    List<Firing> fired = new ArrayList<>();
                    perWorkflow.forEach((slug, buckets) -> fired.addAll(
                            BacktestReplay.replay(slug, buckets, from, steps, rule)));
                    fired.sort(Comparator.comparing(Firing::firedAt).thenComparing(Firing::workflowSlug));
                    return new Result(fired.size(), fired, from, to, steps, perWorkflow.size(),
                            BacktestReplay.STEP.multipliedBy(wb).toString(),
                            "replayed every 15 minutes from the 15-minute rollups; the window is rounded up to"
                                    + " whole buckets; each workflow from its first run in the period");
                });
    }
}
