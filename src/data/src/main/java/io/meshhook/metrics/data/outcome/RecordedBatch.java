package io.meshhook.metrics.data.outcome;

import java.util.List;

/** The answer for a batch: how many runs were new, how many were duplicates, and each run in request order. */
public record RecordedBatch(int recorded, int duplicates, List<RecordedOutcome> results) {

    static RecordedBatch of(List<RecordedOutcome> results) {
        int duplicates = (int) results.stream().filter(RecordedOutcome::duplicate).count();
        return new RecordedBatch(results.size() - duplicates, duplicates, results);
    }
}
