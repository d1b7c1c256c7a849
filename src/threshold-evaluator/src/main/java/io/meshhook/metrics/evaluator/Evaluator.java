package io.meshhook.metrics.evaluator;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.reactive.EventLoopBridge;
import io.meshhook.metrics.evaluator.delivery.Delivery;
import io.meshhook.metrics.evaluator.rules.EvaluationPass;
import io.smallrye.mutiny.Uni;

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

    Evaluator(EvaluationPass pass, Delivery delivery, EventLoopBridge bridge, Clock clock) {
        this.pass = pass;
        this.delivery = delivery;
        this.bridge = bridge;
        this.clock = clock;
    }

    public Uni<EvaluationSummary> evaluate() {
        return bridge.onEventLoop(() -> pass.run(clock.instant())
                .chain(result -> delivery.deliverDue().map(delivered -> new EvaluationSummary(
                        result.rulesEvaluated(), result.transitions(), result.notificationsQueued(), delivered))));
    }
}
