package io.meshhook.metrics.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.api.query.MetricsService;
import io.meshhook.metrics.data.auth.Caller;
import io.quarkus.vertx.web.Route;
import io.vertx.ext.web.RoutingContext;

/** The PRD's path {@code GET /api/metrics/workflow/{workflow_id}}: a thin route onto the same service. */
public class WorkflowRoute {

    private final MetricsService metrics;
    private final ObjectMapper json;

    WorkflowRoute(MetricsService metrics, ObjectMapper json) {
        this.metrics = metrics;
        this.json = json;
    }

    @Route(path = "/api/metrics/workflow/:id", methods = Route.HttpMethod.GET)
    void workflow(RoutingContext context) {
        metrics.workflow(Caller.of(context), context.pathParam("id"), context.queryParams()).subscribe().with(
                detail -> {
                    try {
                        context.response().putHeader("Content-Type", "application/json")
                                .end(json.writeValueAsString(detail));
                    } catch (JsonProcessingException e) {
                        context.fail(e);
                    }
                }, context::fail);
    }
}
