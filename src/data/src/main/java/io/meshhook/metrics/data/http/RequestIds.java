package io.meshhook.metrics.data.http;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.MDC;

import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a sane token (so the engine's and the
 * dashboard's ids follow a request through), otherwise a new one. It is echoed in the response and put in the
 * logging context (Quarkus keeps the MDC on the request's Vert.x context), so JSON log lines carry
 * {@code requestId}.
 */
@ApplicationScoped
public class RequestIds {

    static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @RouteFilter(RouteFilter.DEFAULT_PRIORITY + 200) // before authentication, so refusals carry it too
    void assign(RoutingContext context) {
        String given = context.request().getHeader(HEADER);
        String id = given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        context.put("requestId", id);
        context.response().putHeader(HEADER, id);
        MDC.put("requestId", id);
        context.addEndHandler(ignored -> MDC.remove("requestId"));
        context.next();
    }
}
