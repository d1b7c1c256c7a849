package io.meshhook.metrics.evaluator;

import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/**
 * The function an external scheduler calls to drive a deployment scaled to zero; the service-role token is checked
 * before anything runs (see AuthFilter). Calling it while another pass runs, or twice, changes nothing twice.
 */
public class ThresholdFunctions {

    private final Evaluator evaluator;

    ThresholdFunctions(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** Runs one pass and delivers what is due; answers what it did. */
    @Funq("evaluateThresholds")
    public Uni<EvaluationSummary> evaluateThresholds() {
        return evaluator.evaluate();
    }
}
