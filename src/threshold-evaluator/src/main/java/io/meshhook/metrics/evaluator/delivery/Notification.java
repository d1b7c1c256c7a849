package io.meshhook.metrics.evaluator.delivery;

import java.util.UUID;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** A notification claimed for delivery: one channel and target, its payload and how many attempts it has had. */
public record Notification(UUID projectId, UUID id, UUID eventId, String channel, String target, JsonObject payload,
        int attempts, String webhookSecret) {

    static Notification of(Row row) {
        return new Notification(row.getUUID("project_id"), row.getUUID("id"), row.getUUID("event_id"),
                row.getString("channel"), row.getString("target"), (JsonObject) row.getValue("payload"),
                row.getInteger("attempts"), row.getString("webhook_secret"));
    }

    /** The payload's {@code data}: what happened. */
    public JsonObject data() {
        return payload.getJsonObject("data");
    }
}
