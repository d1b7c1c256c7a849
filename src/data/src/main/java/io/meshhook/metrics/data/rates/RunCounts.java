package io.meshhook.metrics.data.rates;

/**
 * Runs by outcome over some period. The failure rate is {@code (failed + timedOut) / (succeeded + failed +
 * timedOut)}; canceled runs are counted and shown but are not in the denominator. Rates are null without rated runs.
 */
public record RunCounts(long succeeded, long failed, long timedOut, long canceled, long retried) {

    public static final RunCounts NONE = new RunCounts(0, 0, 0, 0, 0);

    public long total() {
        return succeeded + failed + timedOut + canceled;
    }

    public long failures() {
        return failed + timedOut;
    }

    /** The runs the rates are computed over. */
    public long ratedRuns() {
        return succeeded + failed + timedOut;
    }

    public Double failureRate() {
        return ratedRuns() == 0 ? null : (double) failures() / ratedRuns();
    }

    public Double successRate() {
        return ratedRuns() == 0 ? null : (double) succeeded / ratedRuns();
    }

    public RunCounts plus(RunCounts other) {
        return new RunCounts(succeeded + other.succeeded, failed + other.failed, timedOut + other.timedOut,
                canceled + other.canceled, retried + other.retried);
    }
}
