package io.meshhook.metrics.data.reactive;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs reactive database work on a fresh duplicated Vert.x context. funqy invokes functions on worker threads,
 * but Hibernate Reactive and the Vert.x SQL client must run on the event loop (HR000068 otherwise); this is the
 * one bridge between the two, and it never blocks the worker.
 */
@ApplicationScoped
public class EventLoopBridge {

    private final Vertx vertx;

    EventLoopBridge(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Subscribes to the Uni the supplier builds on a new safe duplicated context, relaying its outcome. */
    public <T> Uni<T> onEventLoop(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> {
                Uni<T> uni;
                try {
                    uni = work.get();
                } catch (RuntimeException e) {
                    emitter.fail(e);
                    return;
                }
                uni.subscribe().with(emitter::complete, emitter::fail);
            });
        });
    }
}
