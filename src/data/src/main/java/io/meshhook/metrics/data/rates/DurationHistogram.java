package io.meshhook.metrics.data.rates;

/**
 * Percentiles from the rollups' log-scale duration histogram: element i (1-based) counts runs whose duration d in
 * ms has {@code 1 + floor(4 * log2(1 + d)) = i} (see run_metrics_duration_bucket). The estimate is the geometric
 * middle of the bucket, so it is within about 9% of the true percentile (and never above the observed maximum).
 */
public final class DurationHistogram {

    /** How exact the percentiles are, stated in every response that carries them. */
    public static final String ACCURACY = "p50/p95/p99 within about 9% (log-scale histogram, 4 buckets per doubling);"
            + " average and max exact";

    private DurationHistogram() {
    }

    /** The p-th percentile (0 < p ≤ 1) in ms, or null when the histogram is empty. */
    public static Long percentile(Integer[] histogram, double p, Long maxMs) {
        if (histogram == null) {
            return null;
        }
        long total = 0;
        for (Integer n : histogram) {
            total += n == null ? 0 : n;
        }
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i] == null ? 0 : histogram[i];
            if (seen >= rank) {
                int bucket = i + 1;
                long estimate = Math.round(Math.pow(2, (bucket - 0.5) / 4.0) - 1);
                return maxMs == null ? estimate : Math.min(estimate, maxMs);
            }
        }
        return maxMs;
    }
}
