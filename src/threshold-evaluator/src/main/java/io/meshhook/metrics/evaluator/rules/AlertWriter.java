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

    private static final String ALL_STATES = "select rule_id, workflow_slug, state, state_since, pending_since,"
            + " firing_since, last_notified_at from alert_states where rule_id = any($1)";

    /** Every state a pass decided, in one statement (arrays in rule and workflow order, so locks are ordered). */
    private static final String UPSERT_STATES = """
            insert into alert_states (project_id, rule_id, workflow_slug, state, state_since, pending_since,
                firing_since, last_value, last_runs, last_evaluated_at, last_notified_at)
            select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[],
                $6::timestamptz[], $7::timestamptz[], $8::float8[], $9::bigint[], $10::timestamptz[],
                $11::timestamptz[])
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

    /** The states kept for these rules, by rule id and workflow; one statement for the pass. */
    public Uni<Map<UUID, Map<String, AlertState>>> allStates(SqlConnection connection, List<AlertRule> rules) {
        return connection.preparedQuery(ALL_STATES)
                .execute(Tuple.of(rules.stream().map(AlertRule::id).toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, Map<String, AlertState>> states = new HashMap<>();
                    rows.forEach(row -> states.computeIfAbsent(row.getUUID("rule_id"), id -> new HashMap<>())
                            .put(row.getString("workflow_slug"), AlertState.of(row)));
                    return states;
                });
    }

    /** States decided by a pass, written together by {@link #saveAll}. */
    public static final class StateBatch {
        private final List<Object[]> rows = new ArrayList<>();

        public void add(AlertRule rule, Measurement m, AlertState s, Instant now) {
            rows.add(new Object[]{rule.projectId(), rule.id(), m.workflowSlug(), s.state(), utc(s.stateSince()),
                    utc(s.pendingSince()), utc(s.firingSince()), m.value(), runs(rule, m), utc(now),
                    utc(s.lastNotifiedAt())});
        }

        public int size() {
            return rows.size();
        }
    }

    public Uni<Void> saveAll(SqlConnection connection, StateBatch batch) {
        if (batch.rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Class<?>[] types = {UUID.class, UUID.class, String.class, String.class, java.time.OffsetDateTime.class,
                java.time.OffsetDateTime.class, java.time.OffsetDateTime.class, Double.class, Long.class,
                java.time.OffsetDateTime.class, java.time.OffsetDateTime.class};
        Object[] columns = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
            Object[] column = (Object[]) java.lang.reflect.Array.newInstance(types[c], batch.rows.size());
            for (int r = 0; r < batch.rows.size(); r++) {
                column[r] = batch.rows.get(r)[c];
            }
            columns[c] = column;
        }
        return connection.preparedQuery(UPSERT_STATES).execute(Tuple.from(columns)).replaceWithVoid();
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
