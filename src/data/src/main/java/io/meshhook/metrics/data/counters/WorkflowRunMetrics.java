package io.meshhook.metrics.data.counters;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * The PRD's {@code workflow_run_metrics}: all-time counters of one workflow version, written by the recorder in
 * the same transaction as each outcome, published to Supabase Realtime. Read-only for the application.
 */
@Entity
@Table(name = "workflow_run_metrics")
@IdClass(WorkflowRunMetrics.Key.class)
public class WorkflowRunMetrics {

    @Id
    @Column(name = "project_id")
    public UUID projectId;

    @Id
    @Column(name = "workflow_id")
    public UUID workflowId;

    @Column(name = "workflow_slug")
    public String workflowSlug;

    @Column(name = "workflow_version")
    public int workflowVersion;

    @Column(name = "success_count")
    public long successCount;

    /** Failed and timed-out runs. */
    @Column(name = "failure_count")
    public long failureCount;

    @Column(name = "timed_out_count")
    public long timedOutCount;

    @Column(name = "canceled_count")
    public long canceledCount;

    @Column(name = "test_run_count")
    public long testRunCount;

    @Column(name = "last_run_id")
    public UUID lastRunId;

    @Column(name = "last_run_at")
    public OffsetDateTime lastRunAt;

    @Column(name = "last_run_status")
    public String lastRunStatus;

    @Column(name = "last_updated")
    public OffsetDateTime lastUpdated;

    /** The composite key: a workflow version within its project. */
    public static class Key implements Serializable {
        public UUID projectId;
        public UUID workflowId;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(projectId, key.projectId)
                    && Objects.equals(workflowId, key.workflowId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(projectId, workflowId);
        }
    }
}
