package io.meshhook.metrics.evaluator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.mutiny.Uni;

/** The built-in timer: one pass per cron tick (every minute by default), on the event loop. */
@ApplicationScoped
public class EvaluatorSchedule {

    private final Evaluator evaluator;

    EvaluatorSchedule(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    @Scheduled(identity = "threshold-evaluator", cron = "{run-metrics.evaluator.cron}", concurrentExecution = ConcurrentExecution.SKIP, skipExecutionIf = SchedulerOff.class)
    Uni<Void> tick() {
        // a failed pass is logged and left to the next tick: the pass rolled back whole and changed nothing
        return evaluator.evaluate()
                .invoke(s -> Log.debugf("evaluated %d rules: %d transitions, %d queued, %d delivered",
                        s.rulesEvaluated(), s.transitions(), s.notificationsQueued(), s.notificationsDelivered()))
                .onFailure().invoke(failure -> Log.errorf("threshold evaluation failed: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Skips the ticks when an external scheduler drives evaluateThresholds instead. */
    @Singleton
    public static class SchedulerOff implements Scheduled.SkipPredicate {

        private final AlertsConfig config;

        SchedulerOff(AlertsConfig config) {
            this.config = config;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !config.evaluator().schedulerEnabled();
        }
    }
}
