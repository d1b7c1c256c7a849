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

    /** Every event of a pass, in one statement (details as JSON text, one array element per event). */
    private static final String INSERT_EVENTS = """
            insert into alert_events (project_id, id, rule_id, workflow_slug, kind, from_state, to_state,
                occurred_at, value, threshold, runs, failures, details)
            select p, i, r, w, k, f, t, o, v, th, n, fa, d::jsonb
            from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::timestamptz[], $9::float8[], $10::float8[], $11::bigint[], $12::bigint[], $13::text[])
                as e(p, i, r, w, k, f, t, o, v, th, n, fa, d)
            """;

    /** Every notification of a pass, one row per event, channel and target, in one statement. */
    private static final String INSERT_NOTIFICATIONS = """
            insert into alert_notifications (project_id, event_id, rule_id, channel, target, payload,
                next_attempt_at, created_at)
            select p, e, r, c, t, d::jsonb, o, o
            from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
                as n(p, e, r, c, t, d, o)
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

    /**
     * What a pass decided, written together by {@link #saveAll} at its end: the states, the history events and
     * the notifications' outbox rows, one statement each (a first pass over 10,000 rules makes ~7,000 events; one
     * statement per event was most of its time). Nothing is written before the pass has decided every rule, and all
     * of it commits in the pass's transaction.
     */
    public static final class PassBatch {
        private final List<Object[]> states = new ArrayList<>();
        private final List<Object[]> events = new ArrayList<>();
        private final List<Object[]> notifications = new ArrayList<>();

        public void add(AlertRule rule, Measurement m, AlertState s, Instant now) {
            states.add(new Object[]{rule.projectId(), rule.id(), m.workflowSlug(), s.state(), utc(s.stateSince()),
                    utc(s.pendingSince()), utc(s.firingSince()), m.value(), runs(rule, m), utc(now),
                    utc(s.lastNotifiedAt())});
        }

        /** Records the event in the history with the values that caused it. */
        public void event(UUID eventId, AlertRule rule, Measurement m, Decision decision, JsonObject details,
                Instant now) {
            events.add(new Object[]{rule.projectId(), eventId, rule.id(), m.workflowSlug(), decision.eventKind(),
                    decision.fromState(), decision.next().state(), utc(now), m.value(), rule.threshold(),
                    runs(rule, m), m.failures(), details.encode()});
        }

        /** Queues one notification per email address, webhook and Slack URL of the rule. */
        public void notify(UUID eventId, AlertRule rule, JsonObject payload, Instant now) {
            List<String[]> targets = new ArrayList<>();
            rule.emails().stream().distinct().forEach(email -> targets.add(new String[]{"email", email}));
            if (rule.webhookUrl() != null && !rule.webhookUrl().isBlank()) {
                targets.add(new String[]{"webhook", rule.webhookUrl()});
            }
            if (rule.slackUrl() != null && !rule.slackUrl().isBlank()) {
                targets.add(new String[]{"slack", rule.slackUrl()});
            }
            String body = payload.encode();
            targets.forEach(t -> notifications.add(new Object[]{rule.projectId(), eventId, rule.id(), t[0], t[1],
                    body, utc(now)}));
        }
    }

    /** Writes the pass's events, notifications and states; answers how many notifications were queued. */
    public Uni<Integer> saveAll(SqlConnection connection, PassBatch batch) {
        Class<?> time = java.time.OffsetDateTime.class;
        Uni<Integer> events = write(connection, INSERT_EVENTS, batch.events, UUID.class, UUID.class, UUID.class,
                String.class, String.class, String.class, String.class, time, Double.class, Double.class, Long.class,
                Long.class, String.class);
        Uni<Integer> notifications = write(connection, INSERT_NOTIFICATIONS, batch.notifications, UUID.class,
                UUID.class, UUID.class, String.class, String.class, String.class, time);
        Uni<Integer> states = write(connection, UPSERT_STATES, batch.states, UUID.class, UUID.class, String.class,
                String.class, time, time, time, Double.class, Long.class, time, time);
        return events.chain(() -> notifications).call(() -> states);
    }

    /** One statement over rows given as columns of arrays; answers the rows it wrote (0 without rows). */
    private static Uni<Integer> write(SqlConnection connection, String sql, List<Object[]> rows, Class<?>... types) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Object[] columns = new Object[types.length];
        for (int c = 0; c < types.length; c++) {
            Object[] column = (Object[]) java.lang.reflect.Array.newInstance(types[c], rows.size());
            for (int r = 0; r < rows.size(); r++) {
                column[r] = rows.get(r)[c];
            }
            columns[c] = column;
        }
        return connection.preparedQuery(sql).execute(Tuple.from(columns)).map(result -> result.rowCount());
    }

    /** The runs a state or event reports: all runs for runsBelow, the rated runs otherwise. */
    private static long runs(AlertRule rule, Measurement m) {
        return rule.metric() == Metric.RUNS_BELOW ? m.totalRuns() : m.ratedRuns();
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant == null ? null : Measurements.utc(instant);
    }
}
