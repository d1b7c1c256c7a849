package io.meshhook.metrics.data.outcome;

import java.util.UUID;

/** The answer for one reported run: committed now, or already known (a duplicate, counted once). */
public record RecordedOutcome(UUID runId, boolean duplicate) {
}
