package io.meshhook.metrics.evaluator.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshhook.metrics.evaluator.AlertsConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * One evaluation pass over every enabled rule, as the service (the pool's owner: no tenant scope, rules of all
 * projects), in one transaction. The pass is claimed with a transaction-level advisory lock: an evaluator that
 * finds it taken skips the pass, so two evaluators at once do what one does; and since decisions depend only on
 * the stored state, the data and the clock, a second pass at the same time finds nothing left to change. A pass
 * killed halfway rolls back whole and the next one redoes it.
 */
@ApplicationScoped
public class EvaluationPass {

    /** The advisory lock key of the pass ("alerts" in ASCII); any fixed number no other code uses would do. */
    static final long LOCK_KEY = 0x616c65727473L;

    /** Locks the rules against deletion (not against edits) while the pass writes rows that reference them. */
    private static final String RULES = "select " + AlertRule.COLUMNS
            + " from alert_rules where enabled order by project_id, id for key share";

    private final Pool pool;
    private final Measurements measurements;
    private final AlertWriter writer;
    private final AlertsConfig config;

    EvaluationPass(Pool pool, Measurements measurements, AlertWriter writer, AlertsConfig config) {
        this.pool = pool;
        this.measurements = measurements;
        this.writer = writer;
        this.config = config;
    }

    /** Evaluates every enabled rule at {@code now}, or skips when another pass holds the lock. */
    public Uni<PassResult> run(Instant now) {
        return pool.withTransaction(connection -> connection.preparedQuery("select pg_try_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK_KEY))
                .chain(rows -> rows.iterator().next().getBoolean(0)
                        ? evaluateAll(connection, now)
                        : Uni.createFrom().item(PassResult.SKIPPED)));
    }

    private Uni<PassResult> evaluateAll(SqlConnection connection, Instant now) {
        return connection.preparedQuery(RULES).execute()
                .map(rows -> {
                    List<AlertRule> rules = new java.util.ArrayList<>();
                    rows.forEach(row -> rules.add(AlertRule.of(row)));
                    return rules;
                })
                .chain(rules -> Multi.createFrom().iterable(rules)
                        .onItem().transformToUniAndConcatenate(rule -> evaluate(connection, rule, now))
                        .collect().with(java.util.stream.Collectors.reducing(PassResult.EMPTY, PassResult::plus)));
    }

    private Uni<PassResult> evaluate(SqlConnection connection, AlertRule rule, Instant now) {
        return writer.states(connection, rule)
                .chain(states -> measurements.measure(connection, rule, now)
                        .chain(ms -> Multi.createFrom().iterable(ms)
                                .onItem().transformToUniAndConcatenate(m -> apply(connection, rule, m, states, now))
                                .collect().with(java.util.stream.Collectors.reducing(PassResult.EMPTY,
                                        PassResult::plus))))
                .map(result -> new PassResult(true, 1, result.transitions(), result.notificationsQueued()));
    }

    private Uni<PassResult> apply(SqlConnection connection, AlertRule rule, Measurement m,
            Map<String, AlertState> states, Instant now) {
        AlertState prior = states.get(m.workflowSlug());
        Decision decision = StateMachine.decide(rule, m, prior, now);
        Uni<Void> saved = writer.saveState(connection, rule, m, decision.next(), now);
        if (decision.eventKind() == null) {
            return saved.replaceWith(PassResult.EMPTY);
        }
        UUID eventId = UUID.randomUUID();
        Duration firedFor = decision.send() == Decision.Notify.RESOLVED && prior.firingSince() != null
                ? Duration.between(prior.firingSince(), now)
                : null;
        JsonObject details = new JsonObject().put("metric", rule.metric().wireName())
                .put("operator", rule.effectiveOperator()).put("recoverThreshold", rule.recoverThreshold())
                .put("windowSeconds", rule.window().toSeconds()).put("minRuns", rule.minRuns())
                .put("forSeconds", rule.holdFor().toSeconds()).put("totalRuns", m.totalRuns())
                .put("firedForSeconds", firedFor == null ? null : firedFor.toSeconds());
        int transitions = decision.isTransition() ? 1 : 0;
        Uni<Void> recorded = saved.chain(() -> writer.recordEvent(connection, eventId, rule, m, decision, details,
                now));
        if (decision.send() == Decision.Notify.NONE) {
            return recorded.replaceWith(new PassResult(true, 0, transitions, 0));
        }
        JsonObject payload = AlertPayload.of(eventId, rule, m, decision, firedFor, now, config.dashboardUrl());
        return recorded.chain(() -> writer.queueNotifications(connection, eventId, rule, payload, now))
                .map(queued -> new PassResult(true, 0, transitions, queued));
    }
}
