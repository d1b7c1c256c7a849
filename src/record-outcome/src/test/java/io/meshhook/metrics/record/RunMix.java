package io.meshhook.metrics.record;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Finished runs as a busy MeshHook instance reports them: every status and trigger, retries, failures with and
 * without error details, spread over days so that they land in several weekly partitions and many buckets. A
 * share of them are hot: a few workflows in the last half hour, so that concurrent requests fight over the same
 * counter and rollup rows instead of each writing a row of its own.
 */
final class RunMix {

    private static final List<String> STATUSES = List.of("succeeded", "failed", "canceled", "timed_out");
    private static final List<String> TRIGGERS = List.of("webhook", "schedule", "manual", "replay", "test");
    private static final List<String> ERROR_CODES = List.of("HTTP_502", "HTTP_429", "SCRIPT_ERROR");
    private static final int HOT_WORKFLOWS = 5;
    private static final Duration HOT_SPAN = Duration.ofMinutes(30);

    private RunMix() {
    }

    /** One version of a workflow: versions of one workflow have their own ids and share the slug. */
    record Workflow(UUID projectId, UUID id, String slug, int version) {
    }

    /** One finished run, as generated, with what the test expects the recorder to make of it. */
    record Run(UUID runId, Workflow workflow, String status, String trigger, int attempt, UUID retryOf,
            Instant startedAt, Instant finishedAt, String errorCode, String errorMessage) {

        boolean counted() {
            return !trigger.equals("test");
        }

        boolean failure() {
            return status.equals("failed") || status.equals("timed_out");
        }

        long durationMs() {
            return Duration.between(startedAt, finishedAt).toMillis();
        }

        Map<String, Object> body() {
            Map<String, Object> body = Outcomes.outcome(workflow.projectId(), workflow.id(), workflow.slug(), status,
                    finishedAt);
            body.put("runId", runId.toString());
            body.put("workflowVersion", workflow.version());
            body.put("startedAt", startedAt.toString());
            body.put("trigger", trigger);
            body.put("attempt", attempt);
            if (retryOf != null) {
                body.put("retryOf", retryOf.toString());
            }
            if (errorCode != null || errorMessage != null) {
                Map<String, Object> error = new LinkedHashMap<>();
                if (errorCode != null) {
                    error.put("code", errorCode);
                }
                error.put("message", errorMessage);
                body.put("error", error);
            }
            return body;
        }
    }

    /** Workflows dealt round the projects; every third slug also has a second version. */
    static List<Workflow> workflows(List<UUID> projects, int count) {
        List<Workflow> workflows = new ArrayList<>();
        for (int i = 0; workflows.size() < count; i++) {
            UUID project = projects.get(i % projects.size());
            // the same slug recurs in each project: rollups must keep projects apart, not only slugs
            String slug = "flow-" + i / projects.size();
            workflows.add(new Workflow(project, UUID.randomUUID(), slug, 1));
            if (i % 3 == 0 && workflows.size() < count) {
                workflows.add(new Workflow(project, UUID.randomUUID(), slug, 2));
            }
        }
        return workflows;
    }

    /** Runs with distinct finish times, so that "the last run" of a workflow is never a tie. */
    static List<Run> runs(List<Workflow> workflows, int count, Instant now, Duration spread, Random rnd) {
        Set<Instant> finishTimes = new HashSet<>();
        List<Run> runs = new ArrayList<>(count);
        while (runs.size() < count) {
            boolean hot = rnd.nextInt(5) < 2;
            Workflow workflow = workflows.get(rnd.nextInt(hot ? HOT_WORKFLOWS : workflows.size()));
            Instant finishedAt = now.truncatedTo(ChronoUnit.MILLIS).minusSeconds(60)
                    .minusMillis(rnd.nextLong((hot ? HOT_SPAN : spread).toMillis()));
            if (!finishTimes.add(finishedAt)) {
                continue;
            }
            String status = STATUSES.get(rnd.nextInt(STATUSES.size()));
            int attempt = rnd.nextInt(10) < 7 ? 1 : 2 + rnd.nextInt(2);
            boolean withError = (status.equals("failed") || status.equals("timed_out")) && rnd.nextInt(4) > 0;
            boolean withCode = withError && rnd.nextInt(3) > 0;
            runs.add(new Run(UUID.randomUUID(), workflow, status,
                    TRIGGERS.get(rnd.nextInt(TRIGGERS.size())), attempt, attempt > 1 ? UUID.randomUUID() : null,
                    finishedAt.minusMillis(durationMs(rnd)), finishedAt,
                    withCode ? ERROR_CODES.get(rnd.nextInt(ERROR_CODES.size())) : null,
                    withError ? "step failed after attempt " + attempt : null));
        }
        return runs;
    }

    private static long durationMs(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> (1L << rnd.nextInt(22)) - 1; // on a histogram bucket edge, where rounding would show
            case 1 -> rnd.nextInt(1_000);
            case 2 -> rnd.nextInt(60_000);
            default -> rnd.nextInt(2_700_000);
        };
    }
}
