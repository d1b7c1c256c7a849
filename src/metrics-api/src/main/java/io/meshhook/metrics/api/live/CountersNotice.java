package io.meshhook.metrics.api.live;

import java.util.Optional;
import java.util.UUID;

import io.quarkus.logging.Log;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One {@code run_metrics} notification: the project it belongs to, which decides who may see it, and the JSON
 * text the record path built, which is forwarded unchanged.
 */
record CountersNotice(UUID projectId, String json) {

    /** Reads the project id out of a payload; a payload without a readable one is dropped, never forwarded. */
    static Optional<CountersNotice> parse(String payload) {
        try {
            String projectId = new JsonObject(payload).getString("projectId");
            if (projectId != null) {
                return Optional.of(new CountersNotice(UUID.fromString(projectId), payload));
            }
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
            // fall through: nobody can be proven entitled to a payload without a project, so nobody gets it
        }
        Log.warnf("dropped a run_metrics notification without a readable projectId (%d characters)",
                payload == null ? 0 : payload.length());
        return Optional.empty();
    }
}
