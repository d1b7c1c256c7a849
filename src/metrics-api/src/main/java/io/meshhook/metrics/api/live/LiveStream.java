package io.meshhook.metrics.api.live;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.auth.AuthConfig;
import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.problem.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.vertx.web.Route;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/metrics/stream}: the caller's workflow counters as Server-Sent Events, live from the record
 * path's notifications, for the caller's projects only.
 */
@ApplicationScoped
public class LiveStream {

    private final VisibleProjects visibleProjects;
    private final LiveClients clients;
    private final LiveConfig config;
    private final AuthConfig auth;

    LiveStream(VisibleProjects visibleProjects, LiveClients clients, LiveConfig config, AuthConfig auth) {
        this.visibleProjects = visibleProjects;
        this.clients = clients;
        this.config = config;
        this.auth = auth;
    }

    @Route(path = "/api/metrics/stream", methods = Route.HttpMethod.GET)
    void stream(RoutingContext request) {
        Caller caller = Caller.of(request);
        Optional<Set<UUID>> requested;
        try {
            requested = ProjectFilter.parse(request.queryParam("project"));
        } catch (ProblemException e) {
            request.fail(e);
            return;
        }
        // the lookup completes on another context; the response must be written on the request's own
        Context context = request.vertx().getOrCreateContext();
        visibleProjects.of(caller, requested).subscribe().with(
                projects -> context.runOnContext(ignored -> open(request, context, caller, requested, projects)),
                failure -> context.runOnContext(ignored -> request.fail(failure)));
    }

    private void open(RoutingContext request, Context context, Caller caller, Optional<Set<UUID>> requested,
            Set<UUID> projects) {
        if (request.response().closed()) {
            return; // the client left while its projects were being read
        }
        LiveClient client = new LiveClient(context, request.response(), projects);
        boolean resumed = request.request().getHeader("Last-Event-ID") != null;
        // registered before "ready" is written: a client that has read "ready" is subscribed, so no counters
        // committed after it are missed (a notice arriving now is queued on this context, after "ready")
        clients.add(client);
        client.open(resumed, () -> clients.remove(client));
        client.every(config.keepalive(), client::keepalive);
        client.every(config.membershipRefresh(), () -> refresh(client, caller, requested));
        // a stream must not outlive the token that opened it; the client reconnects with a fresh one
        expiry(caller).ifPresent(at -> client.at(at, client::end));
    }

    private void refresh(LiveClient client, Caller caller, Optional<Set<UUID>> requested) {
        visibleProjects.of(caller, requested).subscribe().with(client::projects,
                // keep the previous set until the next tick: failing closed would drop every stream on a database blip
                failure -> Log.debugf("membership refresh failed: %s", failure.getMessage()));
    }

    private Optional<Instant> expiry(Caller caller) {
        Long exp = new JsonObject(caller.claimsJson()).getLong("exp");
        return Optional.ofNullable(exp).map(seconds -> Instant.ofEpochSecond(seconds).plus(auth.clockSkew()));
    }
}
