package io.meshhook.metrics.api.alerts;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.data.problem.Problem;
import io.meshhook.metrics.data.problem.ProblemException;
import io.meshhook.metrics.data.validation.CanonicalUuid;
import io.vertx.pgclient.PgException;

/** The alert endpoints' shared answers: not found (alike for unknown and another tenant's), bodies, ids. */
final class AlertProblems {

    private AlertProblems() {
    }

    static ProblemException ruleNotFound() {
        return new ProblemException(Problem.of(404, "alert-rule-not-found", "Alert rule not found",
                "No alert rule with this id is visible to you."));
    }

    static ProblemException projectNotFound() {
        return new ProblemException(Problem.of(404, "project-not-found", "Project not found",
                "No project with this id is visible to you."));
    }

    /** A malformed id names nothing: the same 404 as an unknown one, so ids cannot be probed. */
    static UUID ruleId(String id) {
        UUID uuid = CanonicalUuid.parse(id);
        if (uuid == null) {
            throw ruleNotFound();
        }
        return uuid;
    }

    /** The request body as a JSON object; anything else is a 400 (malformed), not a 422 (invalid). */
    static ObjectNode object(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("The body must be a JSON object; it is empty.");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(400, "malformed-request", "Malformed request",
                    "The body is not valid JSON."));
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badRequest("The body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    /**
     * An RLS check that refused a write (42501: insufficient privilege / new row violates policy) means the
     * project is not the caller's: the same 404 as a project that does not exist, never a 500.
     */
    static Throwable mapRefusedWrite(Throwable failure) {
        if (failure instanceof PgException pg && "42501".equals(pg.getSqlState())) {
            return projectNotFound();
        }
        return failure;
    }
}
