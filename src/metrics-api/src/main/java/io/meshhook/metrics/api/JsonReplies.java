package io.meshhook.metrics.api;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** How metrics-api's Vert.x routes answer: the work's result as JSON, its failure through the problem responder. */
@ApplicationScoped
public class JsonReplies {

    private final ObjectMapper json;

    JsonReplies(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Runs the work (a failure thrown while building it, e.g. a validation problem, fails it too) and answers on
     * the request's own context, because the database work completes on another one. Status 204 has no body.
     */
    public <T> void answer(RoutingContext ctx, int status, Supplier<Uni<? extends T>> work) {
        Context context = ctx.vertx().getOrCreateContext();
        Uni.createFrom().<T>deferred(work).subscribe().with(
                value -> context.runOnContext(ignored -> write(ctx, status, value)),
                failure -> context.runOnContext(ignored -> ctx.fail(failure)));
    }

    private void write(RoutingContext ctx, int status, Object value) {
        if (status == 204) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        try {
            // bytes, not a String the response would then encode again (a 30-day hourly trend is 133 KB)
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(json.writeValueAsBytes(value)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
