package io.meshhook.metrics.api.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import io.meshhook.metrics.data.rates.RunCounts;

/** The JSON bodies of metrics-api, as records. Times are ISO-8601; bucket starts carry the caller's offset. */
public final class Responses {

    private Responses() {
    }

    /** What a response was computed over: the effective range, zone, granularity and counted triggers. */
    public record RangeInfo(OffsetDateTime from, OffsetDateTime to, String preset, String timeZone,
            String granularity, OffsetDateTime previousFrom, List<String> triggers, String note) {
    }

    /** Counts per status, with the rates and the runs they are computed over (succeeded + failed + timed out). */
    public record Figures(long succeeded, long failed, long timedOut, long canceled, long retried, long total,
            long failures, long ratedRuns, Double successRate, Double failureRate) {

        static Figures of(RunCounts c) {
            return new Figures(c.succeeded(), c.failed(), c.timedOut(), c.canceled(), c.retried(), c.total(),
                    c.failures(), c.ratedRuns(), c.successRate(), c.failureRate());
        }
    }

    /** Current minus previous period: rates in fractions (0.05 = five percentage points), runs in runs. */
    public record Change(Double failureRate, Double successRate, long runs) {

        static Change between(RunCounts current, RunCounts previous) {
            return new Change(diff(current.failureRate(), previous.failureRate()),
                    diff(current.successRate(), previous.successRate()), current.total() - previous.total());
        }

        private static Double diff(Double a, Double b) {
            return a == null || b == null ? null : a - b;
        }
    }

    /** Durations in ms; see {@link io.meshhook.metrics.data.rates.DurationHistogram#ACCURACY}. */
    public record Durations(Double averageMs, Long p50Ms, Long p95Ms, Long p99Ms, Long maxMs, String accuracy) {
    }

    /**
     * One bucket of a series. {@code partial}: cut by the range's edges or still in progress. Written by PointJson
     * (the same JSON as Jackson's record serializer, without reflection: a 30-day hourly trend has 720 points).
     */
    @JsonSerialize(using = PointJson.class)
    public record Point(OffsetDateTime start, long succeeded, long failed, long timedOut, long canceled, long total,
            Double successRate, Double failureRate, boolean partial) {
    }

    /** One workflow (all its versions, or one when {@code version} narrows it) in a summary. */
    public record WorkflowSummary(UUID projectId, String workflowSlug, List<UUID> workflowIds, List<Integer> versions,
            Figures counts, Figures previous, Change change, Durations duration, Instant lastRunAt,
            String lastRunStatus, List<Double> sparkline) {
    }

    /** The aggregate over every listed workflow. */
    public record Aggregate(long workflows, Figures counts, Figures previous, Change change, Durations duration,
            List<Point> series) {
    }

    /** GET /api/metrics/workflows/summary. */
    public record Summary(RangeInfo range, Aggregate aggregate, List<WorkflowSummary> workflows, String nextCursor) {
    }

    /** One error code among a workflow's failures in the range. */
    public record TopError(String code, String sampleMessage, long count, Instant lastSeenAt) {
    }

    /** One version of a workflow in the range. */
    public record VersionFigures(UUID workflowId, int version, Figures counts, Instant lastRunAt,
            String lastRunStatus) {
    }

    /** A recent failed run, for debugging from the detail page. */
    public record FailedRun(UUID runId, int version, String status, Instant finishedAt, long durationMs,
            String errorCode, String errorMessage, String errorStep) {
    }

    /** GET /api/metrics/workflow/{id}. */
    public record WorkflowDetail(RangeInfo range, UUID projectId, String workflowSlug, Integer version,
            Figures counts, Figures previous, Change change, Durations duration, List<Point> series,
            List<TopError> topErrors, List<VersionFigures> versions, Instant lastRunAt, String lastRunStatus,
            List<FailedRun> recentFailures) {
    }
}
