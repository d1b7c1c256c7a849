package io.meshhook.metrics.data.outcome;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long data is kept. Outcomes older than the rollup retention are refused: they could not be counted. */
@ConfigMapping(prefix = "run-metrics.retention")
public interface RetentionConfig {

    /** Raw outcomes are kept this long, then their weekly partitions are dropped. */
    @WithDefault("30d")
    Duration outcomes();

    /** Counters' rollups and the run-id ledger are kept this long. */
    @WithDefault("400d")
    Duration rollups();
}
