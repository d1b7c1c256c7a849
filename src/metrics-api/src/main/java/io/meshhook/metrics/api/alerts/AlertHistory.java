package io.meshhook.metrics.api.alerts;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The alert history (every transition, re-notification and failed delivery the evaluator recorded) and the
 * current state per rule and workflow, read as the user under RLS. A rule or project filter the caller cannot
 * see is a 404, the same as one that does not exist.
 */
@ApplicationScoped
public class AlertHistory {

    /** One entry of the history. */
    @RegisterForReflection
    public record Event(UUID id, UUID projectId, UUID ruleId, String ruleName, String workflowSlug, String kind,
            String fromState, String toState, Instant occurredAt, Double value, Double threshold, Long runs,
            Long failures, JsonNode details) {
    }

    /** The evaluator's current view of one workflow under one rule. */
    @RegisterForReflection
    public record State(UUID projectId, UUID ruleId, String ruleName, String workflowSlug, String state,
            Instant stateSince, Instant pendingSince, Instant firingSince, Double lastValue, Long lastRuns,
            Instant lastEvaluatedAt, Instant lastNotifiedAt, boolean ruleEnabled, Instant snoozedUntil) {
    }

    static final String EVENTS = """
            select e.id, e.project_id, e.rule_id, r.name as rule_name, e.workflow_slug, e.kind, e.from_state,
                e.to_state, e.occurred_at, e.value, e.threshold, e.runs, e.failures, e.details::text as details
            from alert_events e join alert_rules r on r.id = e.rule_id
            where ($1::uuid is null or e.project_id = $1) and ($2::uuid is null or e.rule_id = $2)
              and ($3::timestamptz is null or e.occurred_at < $3)
            order by e.occurred_at desc, e.id desc
            limit $4
            """;

    static final String STATES = """
            select s.project_id, s.rule_id, r.name as rule_name, s.workflow_slug, s.state, s.state_since,
                s.pending_since, s.firing_since, s.last_value, s.last_runs, s.last_evaluated_at, s.last_notified_at,
                r.enabled, r.snoozed_until
            from alert_states s join alert_rules r on r.id = s.rule_id
            where ($1::uuid is null or s.project_id = $1) and ($2::uuid is null or s.rule_id = $2)
            order by r.name, s.rule_id, s.workflow_slug
            """;

    private final TenantScope scope;
    private final ObjectMapper json;

    AlertHistory(TenantScope scope, ObjectMapper json) {
        this.scope = scope;
        this.json = json;
    }

    /** Newest first; {@code before} pages back in time. */
    public Uni<List<Event>> events(Caller caller, AlertQuery q) {
        return scope.queryAsUser(caller, c -> requireFilters(c, q).chain(() -> c.preparedQuery(EVENTS).execute(
                Tuple.of(q.project(), q.rule(), q.before() == null
                        ? null
                        : OffsetDateTime.ofInstant(q.before(), ZoneOffset.UTC), q.limit()))))
                .map(rows -> {
                    List<Event> events = new ArrayList<>();
                    rows.forEach(r -> events.add(new Event(r.getUUID("id"), r.getUUID("project_id"),
                            r.getUUID("rule_id"), r.getString("rule_name"), r.getString("workflow_slug"),
                            r.getString("kind"), r.getString("from_state"), r.getString("to_state"),
                            AlertRule.instant(r, "occurred_at"), r.getDouble("value"), r.getDouble("threshold"),
                            r.getLong("runs"), r.getLong("failures"), details(r.getString("details")))));
                    return events;
                });
    }

    public Uni<List<State>> states(Caller caller, AlertQuery q) {
        return scope.queryAsUser(caller, c -> requireFilters(c, q).chain(() -> c.preparedQuery(STATES)
                .execute(Tuple.of(q.project(), q.rule())))).map(rows -> {
                    List<State> states = new ArrayList<>();
                    rows.forEach(r -> states.add(new State(r.getUUID("project_id"), r.getUUID("rule_id"),
                            r.getString("rule_name"), r.getString("workflow_slug"), r.getString("state"),
                            AlertRule.instant(r, "state_since"), AlertRule.instant(r, "pending_since"),
                            AlertRule.instant(r, "firing_since"), r.getDouble("last_value"), r.getLong("last_runs"),
                            AlertRule.instant(r, "last_evaluated_at"), AlertRule.instant(r, "last_notified_at"),
                            r.getBoolean("enabled"), AlertRule.instant(r, "snoozed_until"))));
                    return states;
                });
    }

    private static Uni<Void> requireFilters(SqlConnection c, AlertQuery q) {
        Uni<Void> project = q.project() == null
                ? Uni.createFrom().voidItem()
                : RuleService.requireProject(c,
                        q.project());
        return project.chain(() -> q.rule() == null
                ? Uni.createFrom().voidItem()
                : c.preparedQuery(RuleSql.GET).execute(Tuple.of(q.rule())).map(rows -> {
                    if (rows.size() == 0) {
                        throw AlertProblems.ruleNotFound();
                    }
                    return null;
                }));
    }

    private JsonNode details(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            return null; // jsonb is always valid JSON; this cannot happen
        }
    }
}
