package io.meshhook.metrics.data.counters;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Reads the all-time counters. Callers pass the session of a {@link io.meshhook.metrics.data.tenant.TenantScope}
 * transaction, so that row-level security has already decided which projects exist for them.
 */
@ApplicationScoped
public class WorkflowRunMetricsRepository {

    /** Every counter row the session may see, ordered by slug and version. */
    public Uni<List<WorkflowRunMetrics>> visible(Mutiny.Session session) {
        return session.createQuery("from WorkflowRunMetrics order by workflowSlug, workflowVersion",
                WorkflowRunMetrics.class).getResultList();
    }
}
