package io.meshhook.metrics.record;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.data.outcome.RecordedBatch;
import io.meshhook.metrics.data.outcome.RecordedOutcome;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

/**
 * The functions the MeshHook engine calls when runs finish. The service-role token is checked before the body is
 * read (see AuthFilter); the body is taken as JSON so that every field error can be named.
 */
public class RecordOutcomeFunctions {

    private final OutcomeRecorder recorder;

    RecordOutcomeFunctions(OutcomeRecorder recorder) {
        this.recorder = recorder;
    }

    /** One finished run; answers {@code {"runId", "duplicate"}} once it is committed. */
    @Funq("recordOutcome")
    public Uni<RecordedOutcome> recordOutcome(JsonNode outcome) {
        return recorder.recordOne(outcome);
    }

    /** Up to 1,000 finished runs, all or nothing. */
    @Funq("recordOutcomes")
    public Uni<RecordedBatch> recordOutcomes(JsonNode batch) {
        return recorder.recordBatch(batch);
    }
}
