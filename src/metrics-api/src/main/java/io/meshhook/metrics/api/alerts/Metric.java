package io.meshhook.metrics.api.alerts;

import java.util.List;

import io.meshhook.metrics.data.rates.RunCounts;

/** What a rule watches, the operators that make sense for it, and how its value follows from run counts. */
enum Metric {

    FAILURE_RATE("failureRate", true, List.of("above", "below")), SUCCESS_RATE("successRate", true,
            List.of("below", "above")), FAILURES("failures", false, List.of("atLeast")), CONSECUTIVE_FAILURES(
                    "consecutiveFailures", false, List.of("atLeast")), RUNS_BELOW("runsBelow", false, List.of("below"));

    static final List<String> NAMES = List.of("failureRate", "successRate", "failures", "consecutiveFailures",
            "runsBelow");

    final String wireName;
    /** Rates are fractions 0..1; the others are counts (whole numbers ≥ 1). */
    final boolean rate;
    /** The first operator is the default: the direction in which this metric usually means trouble. */
    final List<String> operators;

    Metric(String wireName, boolean rate, List<String> operators) {
        this.wireName = wireName;
        this.rate = rate;
        this.operators = operators;
    }

    static Metric fromWire(String name) {
        for (Metric m : values()) {
            if (m.wireName.equals(name)) {
                return m;
            }
        }
        return null;
    }

    String defaultOperator() {
        return operators.get(0);
    }

    /**
     * The value over a window, or null when the window has too little data to judge: rates need rated runs and,
     * like failure counts, at least {@code minRuns} runs. runsBelow ignores minRuns: few runs is what it detects.
     */
    Double value(RunCounts c, int minRuns) {
        return switch (this) {
            case FAILURE_RATE -> c.ratedRuns() < Math.max(1, minRuns) ? null : c.failureRate();
            case SUCCESS_RATE -> c.ratedRuns() < Math.max(1, minRuns) ? null : c.successRate();
            case FAILURES -> c.total() < minRuns ? null : (double) c.failures();
            case RUNS_BELOW -> (double) c.total();
            case CONSECUTIVE_FAILURES -> throw new IllegalStateException("not computable from counts");
        };
    }
}
