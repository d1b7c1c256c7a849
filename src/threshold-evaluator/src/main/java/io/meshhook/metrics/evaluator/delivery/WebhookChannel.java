package io.meshhook.metrics.evaluator.delivery;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Delivers the event JSON to the rule's webhook with Standard Webhooks headers: {@code webhook-id} is the
 * notification id (the same on every retry, so receivers can drop duplicates), {@code webhook-timestamp} the
 * attempt's time in seconds, and {@code webhook-signature} when the rule has a secret.
 */
@ApplicationScoped
public class WebhookChannel implements Channel {

    private final HttpPoster poster;
    private final Clock clock;

    WebhookChannel(HttpPoster poster, Clock clock) {
        this.poster = poster;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public Uni<Void> send(Notification notification) {
        String id = notification.id().toString();
        long timestamp = clock.instant().getEpochSecond();
        String body = notification.payload().encode();
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", Long.toString(timestamp));
        if (notification.webhookSecret() != null && !notification.webhookSecret().isBlank()) {
            headers.put("webhook-signature", WebhookSignature.sign(notification.webhookSecret(), id, timestamp, body));
        }
        return poster.post(notification.target(), headers, body);
    }
}
