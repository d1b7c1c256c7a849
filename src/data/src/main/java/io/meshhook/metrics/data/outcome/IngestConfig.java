package io.meshhook.metrics.data.outcome;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How concurrent record requests share transactions (group commit). */
@ConfigMapping(prefix = "run-metrics.ingest")
public interface IngestConfig {

    /**
     * Coalesce concurrent requests into one transaction. Off: every request has a transaction of its own (kept
     * for the benchmark's side-by-side figures and as an escape hatch).
     */
    @WithDefault("true")
    boolean groupCommit();

    /**
     * At most this many record transactions run at once; requests that arrive meanwhile wait and go together
     * into the next one. Few and full transactions beat many small ones: each commit is one WAL flush, and a
     * hot workflow's counter row is locked once per transaction, not once per run. One by default: on the
     * benchmark's two cores (function and PostgreSQL on the same host) concurrent groups mostly waited for each
     * other's row locks and for the commit lock that NOTIFY takes; with one, p99 at half the maximum rate fell from
     * about 40 ms to 16 ms, the hot workflow and batches were as fast or faster, and spread single runs about 15%
     * slower. Raise it (2 to 4) where PostgreSQL has cores of its own to run them on.
     */
    @WithDefault("1")
    int maxConcurrentTransactions();

    /** A group takes waiting requests until it holds this many outcomes (a request is never split). */
    @WithDefault("2000")
    int maxGroupOutcomes();
}
