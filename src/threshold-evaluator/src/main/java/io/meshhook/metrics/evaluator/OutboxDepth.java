package io.meshhook.metrics.evaluator;

import java.util.concurrent.atomic.AtomicLong;

import io.meshhook.metrics.data.reactive.EventLoopBridge;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The gauge {@code run_metrics_outbox_pending}: notifications waiting to be delivered. Read from the database on
 * each scrape, without blocking the scrape: it answers the value of the previous read while the next one runs.
 */
final class OutboxDepth {

    private OutboxDepth() {
    }

    static void register(MeterRegistry meters, Pool pool, EventLoopBridge bridge) {
        AtomicLong last = new AtomicLong();
        Gauge.builder("run_metrics.outbox.pending", () -> {
            bridge.onEventLoop(() -> pool.query("select count(*) from alert_notifications where status = 'pending'")
                    .execute()).subscribe().with(rows -> last.set(rows.iterator().next().getLong(0)), failure -> {
                        // the database is unreachable: readiness reports it; keep the last known depth
                    });
            return last.get();
        }).description("Notifications waiting to be delivered").register(meters);
    }
}
