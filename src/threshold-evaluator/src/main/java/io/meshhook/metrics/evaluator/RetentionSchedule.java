package io.meshhook.metrics.evaluator;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.outcome.RetentionConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Daily retention when the evaluator runs with its own timer: drops old outcome partitions, prunes old rollups
 * (keeping their counts) and creates the partitions of the coming weeks. Scaled-to-zero deployments run the same
 * SQL function from a CronJob instead (infra/deploy). Safe in several replicas: the function only drops what is
 * past the cutoff and creates partitions idempotently.
 */
@ApplicationScoped
public class RetentionSchedule {

    private static final String APPLY = "select count(*) from run_metrics_apply_retention("
            + "make_interval(secs => $1), make_interval(secs => $2), 4)";

    private final Pool pool;
    private final RetentionConfig retention;

    RetentionSchedule(Pool pool, RetentionConfig retention) {
        this.pool = pool;
        this.retention = retention;
    }

    @Scheduled(identity = "retention", cron = "{run-metrics.evaluator.retention-cron}", concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = EvaluatorSchedule.SchedulerOff.class)
    Uni<Void> apply() {
        return pool.preparedQuery(APPLY)
                .execute(Tuple.of((double) retention.outcomes().toSeconds(), (double) retention.rollups().toSeconds()))
                .invoke(rows -> Log.infof("retention applied: %d action(s)", rows.iterator().next().getLong(0)))
                .onFailure().invoke(failure -> Log.errorf("retention failed: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
