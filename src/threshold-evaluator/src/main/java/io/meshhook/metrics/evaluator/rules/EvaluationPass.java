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

    /**
     * Reads every rule's states and figures with one statement each (consecutiveFailures rules one by one, from raw
     * runs), decides in memory, and writes every event, notification and state with one statement each at the
     * end: a pass costs a handful of statements, however many rules it evaluates and transitions it makes.
     */
    private Uni<PassResult> evaluateAll(SqlConnection connection, Instant now) {
        return connection.preparedQuery(RULES).execute().map(rows -> {
            List<AlertRule> rules = new java.util.ArrayList<>();
            rows.forEach(row -> rules.add(AlertRule.of(row)));
            return rules;
        }).chain(rules -> writer.allStates(connection, rules).chain(states -> measureAll(connection, rules, now)
                .chain(measured -> {
                    AlertWriter.PassBatch batch = new AlertWriter.PassBatch();
                    int transitions = 0;
                    for (AlertRule rule : rules) {
                        for (Measurement m : measured.getOrDefault(rule.id(), List.of())) {
                            transitions += apply(rule, m, states.getOrDefault(rule.id(), Map.of()), batch, now);
                        }
                    }
                    int made = transitions;
                    return writer.saveAll(connection, batch)
                            .map(queued -> new PassResult(true, rules.size(), made, queued));
                })));
    }

    /** Figures of every rule: rollup-based rules in one statement, streak rules one by one. */
    private Uni<Map<UUID, List<Measurement>>> measureAll(SqlConnection connection, List<AlertRule> rules,
            Instant now) {
        List<AlertRule> streaks = rules.stream().filter(r -> r.metric() == Metric.CONSECUTIVE_FAILURES).toList();
        List<AlertRule> counted = rules.stream().filter(r -> r.metric() != Metric.CONSECUTIVE_FAILURES).toList();
        return measurements.measureAll(connection, counted, now).chain(measured -> {
            Map<UUID, List<Measurement>> all = new java.util.HashMap<>(measured);
            return Multi.createFrom().iterable(streaks).onItem()
                    .transformToUniAndConcatenate(rule -> measurements.measure(connection, rule, now)
                            .invoke(ms -> all.put(rule.id(), ms)))
                    .collect().last().replaceWith(all);
        });
    }

    /** Decides one rule for one workflow into the batch; answers 1 for a transition, else 0. */
    private int apply(AlertRule rule, Measurement m, Map<String, AlertState> states, AlertWriter.PassBatch batch,
            Instant now) {
        AlertState prior = states.get(m.workflowSlug());
        Decision decision = StateMachine.decide(rule, m, prior, now);
        batch.add(rule, m, decision.next(), now);
        if (decision.eventKind() == null) {
            return 0;
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
        batch.event(eventId, rule, m, decision, details, now);
        if (decision.send() != Decision.Notify.NONE) {
            batch.notify(eventId, rule, AlertPayload.of(eventId, rule, m, decision, firedFor, now,
                    config.dashboardUrl()), now);
        }
        return decision.isTransition() ? 1 : 0;
    }
}
