package io.meshhook.metrics.evaluator.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes what a pass decided, inside the pass's transaction: the state, the history event, and the outbox rows of
 * its notifications. Because event and notifications commit together, a transition is never lost nor notified
 * without being recorded; the unique (event_id, channel, target) keeps each notification single.
 */
@ApplicationScoped
public class AlertWriter {

    private static final String STATES = "select workflow_slug, state, state_since, pending_since, firing_since,"
            + " last_notified_at from alert_states where project_id = $1 and rule_id = $2";

    private static final String UPSERT_STATE = """
            insert into alert_states (project_id, rule_id, workflow_slug, state, state_since, pending_since,
                firing_since, last_value, last_runs, last_evaluated_at, last_notified_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            on conflict (project_id, rule_id, workflow_slug) do update set state = excluded.state,
                state_since = excluded.state_since, pending_since = excluded.pending_since,
                firing_since = excluded.firing_since, last_value = excluded.last_value,
                last_runs = excluded.last_runs, last_evaluated_at = excluded.last_evaluated_at,
                last_notified_at = excluded.last_notified_at
            """;

    private static final String INSERT_EVENT = """
            insert into alert_events (project_id, id, rule_id, workflow_slug, kind, from_state, to_state,
                occurred_at, value, threshold, runs, failures, details)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """;

    private static final String INSERT_NOTIFICATIONS = """
            insert into alert_notifications (project_id, event_id, rule_id, channel, target, payload,
                next_attempt_at, created_at)
            select $1, $2, $3, c.channel, c.target, $6, $7, $7
            from unnest($4::text[], $5::text[]) as c(channel, target)
            on conflict (event_id, channel, target) do nothing
            """;

    /** The states kept for the rule, by workflow. */
    public Uni<Map<String, AlertState>> states(SqlConnection connection, AlertRule rule) {
        return connection.preparedQuery(STATES).execute(Tuple.of(rule.projectId(), rule.id())).map(rows -> {
            Map<String, AlertState> states = new HashMap<>();
            rows.forEach(row -> states.put(row.getString("workflow_slug"), AlertState.of(row)));
            return states;
        });
    }

    public Uni<Void> saveState(SqlConnection connection, AlertRule rule, Measurement m, AlertState s, Instant now) {
        Tuple args = Tuple.from(new Object[]{rule.projectId(), rule.id(), m.workflowSlug(), s.state(),
                utc(s.stateSince()), utc(s.pendingSince()), utc(s.firingSince()), m.value(), runs(rule, m), utc(now),
                utc(s.lastNotifiedAt())});
        return connection.preparedQuery(UPSERT_STATE).execute(args).replaceWithVoid();
    }

    /** Records the event in the history with the values that caused it. */
    public Uni<Void> recordEvent(SqlConnection connection, UUID eventId, AlertRule rule, Measurement m,
            Decision decision, JsonObject details, Instant now) {
        Tuple args = Tuple.from(new Object[]{rule.projectId(), eventId, rule.id(), m.workflowSlug(),
                decision.eventKind(), decision.fromState(), decision.next().state(), utc(now), m.value(),
                rule.threshold(), runs(rule, m), m.failures(), details});
        return connection.preparedQuery(INSERT_EVENT).execute(args).replaceWithVoid();
    }

    /** Queues one notification per email address, webhook and Slack URL of the rule; answers how many. */
    public Uni<Integer> queueNotifications(SqlConnection connection, UUID eventId, AlertRule rule,
            JsonObject payload, Instant now) {
        List<String> channels = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        rule.emails().stream().distinct().forEach(email -> {
            channels.add("email");
            targets.add(email);
        });
        if (rule.webhookUrl() != null && !rule.webhookUrl().isBlank()) {
            channels.add("webhook");
            targets.add(rule.webhookUrl());
        }
        if (rule.slackUrl() != null && !rule.slackUrl().isBlank()) {
            channels.add("slack");
            targets.add(rule.slackUrl());
        }
        if (channels.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Tuple args = Tuple.of(rule.projectId(), eventId, rule.id(), channels.toArray(String[]::new),
                targets.toArray(String[]::new), payload);
        args.addValue(utc(now));
        return connection.preparedQuery(INSERT_NOTIFICATIONS).execute(args).map(rows -> rows.rowCount());
    }

    /** The runs a state or event reports: all runs for runsBelow, the rated runs otherwise. */
    private static long runs(AlertRule rule, Measurement m) {
        return rule.metric() == Metric.RUNS_BELOW ? m.totalRuns() : m.ratedRuns();
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant == null ? null : Measurements.utc(instant);
    }
}
