package io.meshhook.metrics.data.auth;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.auth.AuthConfig.CallerKind;
import io.meshhook.metrics.data.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates every request to a protected path before any body is read, so an unauthenticated caller gets
 * 401 (and a user calling a service function 403) whatever it sent, and nothing is parsed or written.
 */
@ApplicationScoped
public class AuthFilter {

    private final AuthConfig config;
    private final TokenVerifier verifier;
    private final MeterRegistry meters;

    AuthFilter(AuthConfig config, TokenVerifier verifier, MeterRegistry meters) {
        this.config = config;
        this.verifier = verifier;
        this.meters = meters;
    }

    @RouteFilter(RouteFilter.DEFAULT_PRIORITY + 100)
    void authenticate(RoutingContext context) {
        if (!isProtected(context.normalizedPath())) {
            context.next();
            return;
        }
        String header = context.request().getHeader("Authorization");
        if (verifier.mayBlock()) {
            context.vertx().<Caller>executeBlocking(() -> verifier.verify(header), false)
                    .onSuccess(caller -> admit(context, caller))
                    .onFailure(failure -> refuse(context, failure));
            return;
        }
        try {
            admit(context, verifier.verify(header));
        } catch (ProblemException e) {
            refuse(context, e);
        }
    }

    private void refuse(RoutingContext context, Throwable failure) {
        String reason = failure instanceof ProblemException p ? String.valueOf(p.problem().status()) : "error";
        meters.counter("run_metrics.requests.refused", "status", reason).increment();
        context.fail(failure);
    }

    private void admit(RoutingContext context, Caller caller) {
        boolean wantService = config.requiredCaller() == CallerKind.SERVICE;
        if (caller.service() != wantService) {
            refuse(context, ProblemException.forbidden(wantService
                    ? "This function accepts only the service-role token."
                    : "This endpoint is for signed-in users; the service token cannot read tenant data."));
            return;
        }
        context.put(Caller.CONTEXT_KEY, caller);
        context.next();
    }

    private boolean isProtected(String path) {
        for (String prefix : config.protectedPaths()) {
            // "/recordOutcome" protects itself and what is below it, not "/recordOutcomez"
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                return true;
            }
        }
        return false;
    }
}
