package io.meshhook.metrics.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.data.outcome.OutcomeRecorder;

/**
 * Known runs, recorded through the real record path (the same OutcomeRecorder and SQL that record-outcome runs),
 * so that what metrics-api answers can be checked against values the test computes on its own.
 */
public final class RecordedRuns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutcomeRecorder recorder;
    private final List<Map<String, Object>> pending = new ArrayList<>();

    public RecordedRuns(OutcomeRecorder recorder) {
        this.recorder = recorder;
    }

    /** Adds a run of the workflow version that finished at the given time after running for the duration. */
    public RecordedRuns run(UUID project, UUID workflowId, String slug, int version, String status, Instant finishedAt,
            Duration took, String trigger) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("runId", UUID.randomUUID().toString());
        run.put("projectId", project.toString());
        run.put("workflowId", workflowId.toString());
        run.put("workflowSlug", slug);
        run.put("workflowVersion", version);
        run.put("status", status);
        run.put("startedAt", finishedAt.minus(took).toString());
        run.put("finishedAt", finishedAt.toString());
        run.put("trigger", trigger);
        if (status.equals("failed") || status.equals("timed_out")) {
            run.put("error", Map.of("code", status.equals("failed") ? "HTTP_502" : "TIMEOUT", "message",
                    "upstream said no at " + finishedAt));
        }
        pending.add(run);
        return this;
    }

    public RecordedRuns run(UUID project, UUID workflowId, String slug, String status, Instant finishedAt) {
        return run(project, workflowId, slug, 1, status, finishedAt, Duration.ofMillis(1200), "webhook");
    }

    /** Records everything added so far, in batches, and waits for the commits. */
    public void record() {
        for (int i = 0; i < pending.size(); i += OutcomeRecorder.MAX_BATCH) {
            List<Map<String, Object>> batch = pending.subList(i,
                    Math.min(pending.size(), i + OutcomeRecorder.MAX_BATCH));
            recorder.recordBatch(JSON.valueToTree(Map.of("outcomes", batch))).await().atMost(Duration.ofSeconds(30));
        }
        pending.clear();
    }
}
