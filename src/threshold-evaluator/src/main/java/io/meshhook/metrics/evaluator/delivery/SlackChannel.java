package io.meshhook.metrics.evaluator.delivery;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/** Posts {@code {"text": …}} to a Slack incoming-webhook URL. */
@ApplicationScoped
public class SlackChannel implements Channel {

    private final HttpPoster poster;

    SlackChannel(HttpPoster poster) {
        this.poster = poster;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public Uni<Void> send(Notification notification) {
        String text = AlertMessage.of(notification.payload()).slackText();
        return poster.post(notification.target(), Map.of(), new JsonObject().put("text", text).encode());
    }
}
