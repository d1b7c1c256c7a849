package io.meshhook.metrics.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

/**
 * A simulated MeshHook workflow: its health (failure share), how long it runs (log-normal around a median) and,
 * for some, a second version published halfway through history that changed its failure rate.
 */
record Workflow(UUID project, String slug, double failureShare, double v2FailureShare, long medianMs,
        String errorCode, String errorMessage) {

    /** Ids are derived from project, slug and version, so a second simulator run reuses the same workflows. */
    UUID id(int version) {
        return UUID.nameUUIDFromBytes((project + "/" + slug + "/" + version).getBytes(StandardCharsets.UTF_8));
    }

    boolean hasSecondVersion() {
        return v2FailureShare >= 0;
    }

    /** A duration drawn from a log-normal distribution with this workflow's median (sigma 0.6). */
    long durationMs(Random random) {
        return Math.max(5, Math.round(medianMs * Math.exp(0.6 * random.nextGaussian())));
    }
}
