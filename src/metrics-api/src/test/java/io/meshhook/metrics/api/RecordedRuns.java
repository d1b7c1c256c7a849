package io.meshhook.metrics.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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

    /** One version of a workflow: its own id, the shared (project, slug) that names the workflow. */
    record Flow(UUID project, UUID id, String slug, int version) {

        static Flow create(UUID project, String slug) {
            return new Flow(project, UUID.randomUUID(), slug, 1);
        }

        /** The next version of the same workflow: another id, the same slug. */
        Flow nextVersion() {
            return new Flow(project, UUID.randomUUID(), slug, version + 1);
        }

        /** A webhook run that took 1.2 s; failures carry the default error of their status. */
        Run run(String status, Instant finishedAt) {
            boolean failure = status.equals("failed") || status.equals("timed_out");
            return new Run(UUID.randomUUID(), this, status, finishedAt, Duration.ofMillis(1200), "webhook",
                    failure ? (status.equals("failed") ? "HTTP_502" : "TIMEOUT") : null,
                    failure ? "upstream said no at " + finishedAt : null);
        }
    }

    /** One finished run as the engine reports it. */
    record Run(UUID runId, Flow flow, String status, Instant finishedAt, Duration took, String trigger,
            String errorCode, String errorMessage) {

        Run took(long millis) {
            return new Run(runId, flow, status, finishedAt, Duration.ofMillis(millis), trigger, errorCode,
                    errorMessage);
        }

        Run trigger(String value) {
            return new Run(runId, flow, status, finishedAt, took, value, errorCode, errorMessage);
        }

        Run error(String code, String message) {
            return new Run(runId, flow, status, finishedAt, took, trigger, code, message);
        }

        boolean failure() {
            return status.equals("failed") || status.equals("timed_out");
        }

        /** Counted by default: every trigger but test. */
        boolean counted() {
            return !trigger.equals("test");
        }

        boolean within(Instant from, Instant to) {
            return !finishedAt.isBefore(from) && finishedAt.isBefore(to);
        }

        Map<String, Object> json() {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("runId", runId.toString());
            run.put("projectId", flow.project().toString());
            run.put("workflowId", flow.id().toString());
            run.put("workflowSlug", flow.slug());
            run.put("workflowVersion", flow.version());
            run.put("status", status);
            run.put("startedAt", finishedAt.minus(took).toString());
            run.put("finishedAt", finishedAt.toString());
            run.put("trigger", trigger);
            if (errorCode != null || errorMessage != null) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("code", errorCode);
                error.put("message", errorMessage);
                run.put("error", error);
            }
            return run;
        }
    }

    private final OutcomeRecorder recorder;
    private final List<Run> pending = new ArrayList<>();
    private final List<Run> recorded = new ArrayList<>();

    public RecordedRuns(OutcomeRecorder recorder) {
        this.recorder = recorder;
    }

    RecordedRuns add(Run... runs) {
        pending.addAll(List.of(runs));
        return this;
    }

    RecordedRuns add(Collection<Run> runs) {
        pending.addAll(runs);
        return this;
    }

    /** Adds a run of the workflow version that finished at the given time after running for the duration. */
    public RecordedRuns run(UUID project, UUID workflowId, String slug, int version, String status, Instant finishedAt,
            Duration took, String trigger) {
        return add(new Flow(project, workflowId, slug, version).run(status, finishedAt).took(took.toMillis())
                .trigger(trigger));
    }

    public RecordedRuns run(UUID project, UUID workflowId, String slug, String status, Instant finishedAt) {
        return add(new Flow(project, workflowId, slug, 1).run(status, finishedAt));
    }

    /** Records everything added so far, in batches, and waits for the commits. */
    public RecordedRuns record() {
        for (int i = 0; i < pending.size(); i += OutcomeRecorder.MAX_BATCH) {
            List<Map<String, Object>> batch = pending
                    .subList(i, Math.min(pending.size(), i + OutcomeRecorder.MAX_BATCH))
                    .stream().map(Run::json).toList();
            recorder.recordBatch(JSON.valueToTree(Map.of("outcomes", batch))).await().atMost(Duration.ofSeconds(30));
        }
        recorded.addAll(pending);
        pending.clear();
        return this;
    }

    /** Every run recorded so far, in the order they were added. */
    List<Run> all() {
        return List.copyOf(recorded);
    }
}
