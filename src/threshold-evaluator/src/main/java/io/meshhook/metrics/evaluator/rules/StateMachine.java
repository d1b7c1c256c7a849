package io.meshhook.metrics.evaluator.rules;

import static io.meshhook.metrics.evaluator.rules.AlertState.FIRING;
import static io.meshhook.metrics.evaluator.rules.AlertState.INSUFFICIENT_DATA;
import static io.meshhook.metrics.evaluator.rules.AlertState.OK;
import static io.meshhook.metrics.evaluator.rules.AlertState.PENDING;
import static io.meshhook.metrics.evaluator.rules.AlertState.SNOOZED;

import java.time.Instant;
import java.util.Objects;

import io.meshhook.metrics.evaluator.rules.Decision.Notify;

/**
 * The alert lifecycle of one rule and workflow: {@code ok → pending → firing → ok}, beside {@code insufficientData}
 * and {@code snoozed}. Pure (no I/O, time passed in), so every edge is decided in one place and the same inputs
 * always give the same decision; that is what makes a repeated pass at the same time a no-op.
 */
public final class StateMachine {

    private StateMachine() {
    }

    /** Decides the next state from the previous one (null on the first evaluation) and the measurement. */
    public static Decision decide(AlertRule rule, Measurement m, AlertState prior, Instant now) {
        String from = prior == null ? null : prior.state();
        if (rule.snoozedAt(now)) {
            return settle(prior, SNOOZED, now); // snoozed: no evaluation, nothing sent
        }
        // runsBelow watches for too few runs, so "too few runs to judge" cannot apply to it
        boolean insufficient = m.value() == null
                || (rule.metric() != Metric.RUNS_BELOW && m.ratedRuns() < rule.minRuns());
        if (insufficient) {
            return settle(prior, INSUFFICIENT_DATA, now);
        }
        double value = m.value();
        if (FIRING.equals(from)) {
            if (!rule.holds(value) && rule.recovered(value)) {
                AlertState ok = new AlertState(OK, now, null, null, prior.lastNotifiedAt());
                return new Decision(ok, "transition", FIRING, rule.notifyOnResolve() ? Notify.RESOLVED : Notify.NONE);
            }
            return stillFiring(rule, prior, now);
        }
        if (!rule.holds(value)) {
            return settle(prior, OK, now);
        }
        if (PENDING.equals(from)) {
            if (!now.isBefore(prior.pendingSince().plus(rule.holdFor()))) {
                return fire(prior, PENDING, now);
            }
            return new Decision(prior, null, null, Notify.NONE);
        }
        if (rule.holdFor().isZero()) {
            return fire(prior, from, now);
        }
        AlertState pending = new AlertState(PENDING, now, now, null, prior == null ? null : prior.lastNotifiedAt());
        return new Decision(pending, "transition", from, Notify.NONE);
    }

    private static Decision fire(AlertState prior, String from, Instant now) {
        Instant pendingSince = prior != null && prior.pendingSince() != null ? prior.pendingSince() : now;
        return new Decision(new AlertState(FIRING, now, pendingSince, now, now), "transition", from, Notify.FIRING);
    }

    /** While firing, a reminder goes out each time repeatEvery has passed since the last notification. */
    private static Decision stillFiring(AlertRule rule, AlertState prior, Instant now) {
        Instant last = prior.lastNotifiedAt() == null ? prior.firingSince() : prior.lastNotifiedAt();
        if (last != null && !now.isBefore(last.plus(rule.repeatEvery()))) {
            AlertState reminded = new AlertState(FIRING, prior.stateSince(), prior.pendingSince(),
                    prior.firingSince(), now);
            return new Decision(reminded, "renotify", FIRING, Notify.RENOTIFY);
        }
        return new Decision(prior, null, null, Notify.NONE);
    }

    /**
     * Moves to a state that sends nothing. Staying put is no event; the first evaluation landing on ok is none
     * either (nothing happened), but every other change is a transition in the history.
     */
    private static Decision settle(AlertState prior, String state, Instant now) {
        String from = prior == null ? null : prior.state();
        if (Objects.equals(from, state)) {
            return new Decision(prior, null, null, Notify.NONE);
        }
        AlertState next = new AlertState(state, now, null, null, prior == null ? null : prior.lastNotifiedAt());
        return new Decision(next, from == null && OK.equals(state) ? null : "transition", from, Notify.NONE);
    }
}
