package io.meshhook.metrics.data.limits;

import java.math.BigDecimal;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;

/**
 * Holds every authenticated caller to its budget (see {@link LimitsConfig}): each user has a bucket of their own,
 * the service one; a request over budget gets 429 with {@code Retry-After} before its body is parsed, so it changes
 * nothing and costs no database connection. Paths without a token (health, the page) are not limited here.
 */
@ApplicationScoped
public class RateLimitFilter {

    /** The service's one bucket: its key is one per deployment (see {@link LimitsConfig#serviceRate()}). */
    private static final String SERVICE = "service";

    private final LimitsConfig config;
    private final TokenBuckets users;
    private final TokenBuckets service;
    private final MeterRegistry meters;

    RateLimitFilter(LimitsConfig config, MeterRegistry meters) {
        this.config = config;
        this.users = new TokenBuckets(config.userRate(), config.userBurst(), config.maxTenants(), System::nanoTime);
        this.service = new TokenBuckets(config.serviceRate(), config.serviceBurst(), 1, System::nanoTime);
        this.meters = meters;
    }

    @RouteFilter(RouteFilter.DEFAULT_PRIORITY + 90) // right after AuthFilter (+100), which puts the caller
    void limit(RoutingContext context) {
        Optional<Caller> caller = Caller.find(context);
        if (!config.enabled() || caller.isEmpty()) {
            context.next();
            return;
        }
        long retryAfter = caller.get().service()
                ? service.take(SERVICE)
                : users.take(caller.get().userId().map(Object::toString).orElse("role:" + caller.get().role()));
        if (retryAfter == 0) {
            context.next();
            return;
        }
        meters.counter("run_metrics.requests.refused", "status", "429").increment();
        context.fail(ProblemException.rateLimited("This caller sent more requests than its budget of "
                + BigDecimal.valueOf(caller.get().service() ? config.serviceRate() : config.userRate())
                        .stripTrailingZeros().toPlainString()
                + " a second allows; nothing was done. Retry after " + retryAfter + " s.", retryAfter));
    }
}
