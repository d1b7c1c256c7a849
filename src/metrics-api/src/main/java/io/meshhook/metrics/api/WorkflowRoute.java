package io.meshhook.metrics.api;

import io.meshhook.metrics.api.query.MetricsService;
import io.meshhook.metrics.data.auth.Caller;
import io.quarkus.vertx.web.Route;
import io.vertx.ext.web.RoutingContext;

/** The PRD's path {@code GET /api/metrics/workflow/{workflow_id}}: a thin route onto the same service. */
public class WorkflowRoute {

    private final MetricsService metrics;
    private final JsonReplies replies;

    WorkflowRoute(MetricsService metrics, JsonReplies replies) {
        this.metrics = metrics;
        this.replies = replies;
    }

    @Route(path = "/api/metrics/workflow/:id", methods = Route.HttpMethod.GET)
    void workflow(RoutingContext context) {
        replies.answer(context, 200,
                () -> metrics.workflow(Caller.of(context), context.pathParam("id"), context.queryParams()));
    }
}
