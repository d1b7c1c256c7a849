package io.meshhook.metrics.evaluator;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.reactive.EventLoopBridge;
import io.meshhook.metrics.evaluator.delivery.Delivery;
import io.meshhook.metrics.evaluator.rules.EvaluationPass;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Runs an evaluation pass and then delivers what is due. Delivery starts only after the pass committed, so nothing
 * is sent for a transition that could still roll back; it runs even when another evaluator held the pass, since
 * the outbox's claims keep concurrent deliverers apart.
 */
@ApplicationScoped
public class Evaluator {

    private final EvaluationPass pass;
    private final Delivery delivery;
    private final EventLoopBridge bridge;
    private final Clock clock;
    private final MeterRegistry meters;

    Evaluator(EvaluationPass pass, Delivery delivery, EventLoopBridge bridge, Clock clock, MeterRegistry meters,
            Pool pool) {
        this.pass = pass;
        this.delivery = delivery;
        this.bridge = bridge;
        this.clock = clock;
        this.meters = meters;
        OutboxDepth.register(meters, pool, bridge);
    }

    public Uni<EvaluationSummary> evaluate() {
        Timer.Sample sample = Timer.start(meters);
        return bridge.onEventLoop(() -> pass.run(clock.instant())
                .chain(result -> delivery.deliverDue().map(delivered -> new EvaluationSummary(
                        result.rulesEvaluated(), result.transitions(), result.notificationsQueued(), delivered))))
                .invoke(summary -> {
                    sample.stop(Timer.builder("run_metrics.evaluation").description("One evaluation pass and its"
                            + " deliveries").publishPercentileHistogram().register(meters));
                    meters.counter("run_metrics.rules.evaluated").increment(summary.rulesEvaluated());
                    meters.counter("run_metrics.alert.transitions").increment(summary.transitions());
                });
    }
}
