package io.meshhook.metrics.data.problem;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;

/**
 * The one place that turns any failure of any route (funqy functions, Vert.x routes, body limits) into an
 * RFC 9457 problem response with the right status. funqy itself answers every failure with a bare 500.
 */
@ApplicationScoped
public class ProblemResponder {

    private final ObjectMapper json;

    ProblemResponder(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::respond);
        // a path no route serves is a 404 problem too, not the server's HTML page
        router.route().order(Integer.MAX_VALUE).handler(context -> context.fail(404));
    }

    void respond(RoutingContext context) {
        if (context.response().headWritten()) {
            context.response().end();
            return;
        }
        ProblemException problem = toProblem(context.failure(), context.statusCode());
        write(context, problem);
    }

    /** Maps a failure to the problem the caller sees; unexpected ones are logged here and answered generically. */
    ProblemException toProblem(Throwable failure, int statusCode) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ProblemException problem) {
            return problem;
        }
        if (DatabaseFailures.isUnavailable(cause)) {
            Log.warnf("database unavailable: %s", cause.toString());
            return ProblemException.unavailable("The database is unreachable; retry shortly.");
        }
        if (cause == null && statusCode > 0 && statusCode < 500) {
            return fromStatus(statusCode);
        }
        if (cause instanceof PgException pg) {
            Log.errorf("unexpected database error %s: %s", pg.getSqlState(), pg.getErrorMessage());
        } else {
            Log.error("unexpected failure", cause);
        }
        return new ProblemException(Problem.of(500, "internal", "Internal error",
                "The request could not be completed; it changed nothing."));
    }

    private static ProblemException fromStatus(int status) {
        return new ProblemException(switch (status) {
            case 400 -> Problem.of(400, "malformed-request", "Malformed request",
                    "The body is not valid JSON or the query string cannot be read.");
            case 404 -> Problem.of(404, "not-found", "Not found", "No such resource.");
            case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
                    "This path does not accept that method.");
            case 413 -> Problem.of(413, "payload-too-large", "Payload too large",
                    "The request body is over this endpoint's limit (quarkus.http.limits.max-body-size).");
            default -> Problem.of(status, "http-" + status, "Request failed", "HTTP status " + status + ".");
        });
    }

    /** The ProblemException inside the wrappers funqy and Mutiny add, or else the root failure itself. */
    private static Throwable unwrap(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProblemException) {
                return c;
            }
        }
        return failure;
    }

    private void write(RoutingContext context, ProblemException problem) {
        String body;
        try {
            body = json.writeValueAsString(problem.problem());
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"Internal error\",\"status\":500}";
        }
        var response = context.response().setStatusCode(problem.problem().status())
                .putHeader("Content-Type", "application/problem+json");
        if (problem.retryAfterSeconds() != null) {
            response.putHeader("Retry-After", problem.retryAfterSeconds().toString());
        }
        response.end(body);
    }
}
