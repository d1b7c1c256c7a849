package io.meshhook.metrics.data.auth;

import java.util.Optional;
import java.util.UUID;

import io.vertx.ext.web.RoutingContext;

/**
 * Who is calling, from a verified token: the user's id (absent for the service), the role, and the claims as
 * JSON text, which the tenant scope hands to PostgreSQL so that RLS decides what the caller sees.
 */
public record Caller(Optional<UUID> userId, String role, String claimsJson, boolean service) {

    static final String CONTEXT_KEY = "run-metrics.caller";

    /** The caller the auth filter verified for this request. */
    public static Caller of(RoutingContext context) {
        Caller caller = context.get(CONTEXT_KEY);
        if (caller == null) {
            throw new IllegalStateException("no verified caller on this request; is the path protected?");
        }
        return caller;
    }

    /** The verified caller of this request, or empty on a path that needs no token. */
    public static Optional<Caller> find(RoutingContext context) {
        return Optional.ofNullable(context.get(CONTEXT_KEY));
    }
}
