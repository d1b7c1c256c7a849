package io.meshhook.metrics.api;

import io.meshhook.metrics.api.query.MetricsService;
import io.meshhook.metrics.api.query.Responses.Summary;
import io.meshhook.metrics.api.query.Responses.WorkflowDetail;
import io.meshhook.metrics.data.auth.Caller;
import io.quarkus.funqy.Funq;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The metrics functions (GET with query parameters). The query string is read whole by the service, which
 * refuses unknown parameters; the caller was verified by the AuthFilter before the function runs.
 */
public class MetricsFunctions {

    private final MetricsService metrics;
    private final CurrentVertxRequest request;

    MetricsFunctions(MetricsService metrics, CurrentVertxRequest request) {
        this.metrics = metrics;
        this.request = request;
    }

    /** Every workflow the caller can see, plus the aggregate. */
    @Funq("api/metrics/workflows/summary")
    public Uni<Summary> summary() {
        RoutingContext context = request.getCurrent();
        return metrics.summary(Caller.of(context), context.queryParams());
    }

    /** One workflow by any of its versions' ids, given as {@code ?id=}; the PRD's path form is WorkflowRoute. */
    @Funq("api/metrics/workflow")
    public Uni<WorkflowDetail> workflow() {
        RoutingContext context = request.getCurrent();
        return metrics.workflow(Caller.of(context), context.queryParams().get("id"), context.queryParams());
    }
}
