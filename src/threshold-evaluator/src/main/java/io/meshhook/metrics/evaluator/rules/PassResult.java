package io.meshhook.metrics.evaluator.rules;

/** What one evaluation pass did; {@code ran} is false when another evaluator held the pass. */
public record PassResult(boolean ran, int rulesEvaluated, int transitions, int notificationsQueued) {

    public static final PassResult SKIPPED = new PassResult(false, 0, 0, 0);
    static final PassResult EMPTY = new PassResult(true, 0, 0, 0);

    PassResult plus(PassResult other) {
        return new PassResult(ran || other.ran, rulesEvaluated + other.rulesEvaluated,
                transitions + other.transitions, notificationsQueued + other.notificationsQueued);
    }
}
