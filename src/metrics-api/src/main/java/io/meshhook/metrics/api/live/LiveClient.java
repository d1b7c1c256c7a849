package io.meshhook.metrics.api.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One open stream: the projects its caller may see, and the events written to it. A response is not thread-safe,
 * so every write happens on the stream's own context, whichever thread the news came from.
 */
final class LiveClient {

    static final String RECONNECTED = new JsonObject().put("reason", "reconnected").encode();
    static final String OVERFLOW = new JsonObject().put("reason", "overflow").encode();

    private final Context context;
    private final HttpServerResponse response;
    private final List<Long> timers = new ArrayList<>();
    /** Read on the listener's thread for every notification, replaced by the refresh: hence volatile. */
    private volatile Set<UUID> projects;
    private Runnable onClose = () -> {
    };
    private long lastId;
    private boolean missed;
    private boolean closed;

    LiveClient(Context context, HttpServerResponse response, Set<UUID> projects) {
        this.context = context;
        this.response = response;
        this.projects = Set.copyOf(projects);
    }

    /** Whether a notification about this project may go to this stream; called from the listener's thread. */
    boolean follows(UUID project) {
        return projects.contains(project);
    }

    /** Sends the headers and {@code ready}, then {@code resync} for a client that says it has been here before. */
    void open(boolean resumed, Runnable cleanup) {
        onClose = cleanup;
        response.setStatusCode(200).setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // nginx would otherwise hold events back in its buffer
        response.closeHandler(ignored -> closed());
        response.endHandler(ignored -> closed());
        response.drainHandler(ignored -> {
            if (missed) {
                missed = false;
                send("resync", OVERFLOW);
            }
        });
        send("ready", new JsonObject().put("projects", sorted(projects)).encode());
        if (resumed) {
            // whatever was committed while the client was away is gone: it must re-fetch
            send("resync", RECONNECTED);
        }
    }

    void counters(String json) {
        context.runOnContext(ignored -> send("counters", json));
    }

    void resync(String data) {
        context.runOnContext(ignored -> send("resync", data));
    }

    void keepalive() {
        if (writable()) {
            response.write(SseFrame.KEEPALIVE);
        }
    }

    /** Takes a refreshed set of projects; a lost project stops being forwarded with the next notification. */
    void projects(Set<UUID> refreshed) {
        if (refreshed.equals(projects)) {
            return;
        }
        projects = Set.copyOf(refreshed);
        // the client shows projects it may no longer see, or misses new ones: it must re-fetch
        String data = new JsonObject().put("reason", "projects-changed").put("projects", sorted(refreshed))
                .encode();
        resync(data);
    }

    /** Runs the task periodically on this stream's context until it closes; call on that context. */
    void every(Duration period, Runnable task) {
        timers.add(context.owner().setPeriodic(period.toMillis(), ignored -> task.run()));
    }

    /** Runs the task once at the given time unless the stream closed before; call on this stream's context. */
    void at(Instant when, Runnable task) {
        long delay = Math.max(1, Duration.between(Instant.now(), when).toMillis());
        timers.add(context.owner().setTimer(delay, ignored -> task.run()));
    }

    /** Ends the stream from the server side (token expiry, shutdown); the client may reconnect. */
    void end() {
        context.runOnContext(ignored -> {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
            closed();
        });
    }

    private void send(String event, String data) {
        if (!writable()) {
            return;
        }
        if (response.writeQueueFull()) {
            // a slow reader must not make the server buffer without bound: drop, and say so once it drains
            missed = true;
            return;
        }
        response.write(SseFrame.event(++lastId, event, data));
    }

    private boolean writable() {
        return !closed && !response.ended() && !response.closed();
    }

    private void closed() {
        if (closed) {
            return;
        }
        closed = true;
        timers.forEach(context.owner()::cancelTimer);
        onClose.run();
    }

    private static JsonArray sorted(Set<UUID> projects) {
        return new JsonArray(projects.stream().map(UUID::toString).sorted().toList());
    }
}
