package io.meshhook.metrics.evaluator.delivery;

import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.evaluator.AlertsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;

/**
 * POSTs JSON to webhook receivers with the Vert.x web client: non-blocking, with connect and response timeouts so
 * a slow receiver fails its own notification instead of stalling the others. Any answer but 2xx is a failure.
 */
@ApplicationScoped
public class HttpPoster {

    private final WebClient client;
    private final long timeoutMillis;

    HttpPoster(Vertx vertx, AlertsConfig config) {
        this.timeoutMillis = config.delivery().httpTimeout().toMillis();
        this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) timeoutMillis)
                .setFollowRedirects(false).setUserAgent("meshhook-run-metrics-alerts"));
    }

    public Uni<Void> post(String url, Map<String, String> headers, String json) {
        var request = client.postAbs(url).timeout(timeoutMillis).putHeader("Content-Type", "application/json");
        headers.forEach(request::putHeader);
        return request.sendBuffer(Buffer.buffer(json)).map(response -> {
            if (response.statusCode() / 100 != 2) {
                throw new DeliveryException("HTTP " + response.statusCode() + " from the receiver");
            }
            return null;
        }).replaceWithVoid();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** A receiver's refusal: expected, so without a stack trace. */
    static final class DeliveryException extends RuntimeException {
        DeliveryException(String message) {
            super(message, null, false, false);
        }
    }
}
