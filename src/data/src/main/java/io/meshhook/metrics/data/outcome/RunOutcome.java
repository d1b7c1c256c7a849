package io.meshhook.metrics.data.outcome;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** One finished run as the engine reported it, validated. Error fields are null unless the run failed. */
public record RunOutcome(UUID runId, UUID projectId, UUID workflowId, String workflowSlug, int workflowVersion,
        OutcomeStatus status, Instant startedAt, Instant finishedAt, int attempt, UUID retryOf, RunTrigger trigger,
        String errorCode, String errorMessage, String errorStep) {

    public long durationMs() {
        return Duration.between(startedAt, finishedAt).toMillis();
    }

    /**
     * What makes a report "the same outcome": a run id seen again with the same fingerprint is a duplicate, with a
     * different one a conflict. The error text is left out: an engine may word or truncate it differently.
     */
    public UUID fingerprint() {
        String canonical = String.join("|", projectId.toString(), workflowId.toString(), workflowSlug,
                Integer.toString(workflowVersion), status.wireName(), startedAt.toString(), finishedAt.toString(),
                Integer.toString(attempt), String.valueOf(retryOf), trigger.wireName());
        return UUID.nameUUIDFromBytes(canonical.getBytes(StandardCharsets.UTF_8));
    }
}
