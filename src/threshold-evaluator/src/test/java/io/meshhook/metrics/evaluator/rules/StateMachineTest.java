package io.meshhook.metrics.evaluator.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.evaluator.rules.Decision.Notify;

/** The lifecycle's edges, decided without a database: same inputs, same decision. */
class StateMachineTest {

    private static final Instant T = Instant.parse("2026-11-29T12:00:00Z");

    private static AlertRule rule(String operator, double threshold, Double recover, int forSeconds) {
        return new AlertRule(UUID.randomUUID(), UUID.randomUUID(), "r", "wf", Metric.FAILURE_RATE, operator,
                threshold, recover, Duration.ofHours(1), 4, Duration.ofSeconds(forSeconds), Duration.ofHours(4),
                true, List.of("a@example.com"), null, null, null);
    }

    private static Measurement value(double v) {
        return new Measurement("wf", v, 10, 10, Math.round(v * 10));
    }

    private static AlertState firing() {
        return new AlertState(AlertState.FIRING, T, T, T, T);
    }

    @Test
    void shouldResolveAnAboveRuleOnlyAtOrBelowItsRecoverThreshold() {
        AlertRule rule = rule("above", 0.5, 0.2, 0);

        assertThat(StateMachine.decide(rule, value(0.3), firing(), T.plusSeconds(60)).send()).isEqualTo(Notify.NONE);
        Decision resolved = StateMachine.decide(rule, value(0.2), firing(), T.plusSeconds(60));
        assertThat(resolved.next().state()).isEqualTo(AlertState.OK);
        assertThat(resolved.send()).isEqualTo(Notify.RESOLVED);
    }

    @Test
    void shouldResolveABelowRuleOnlyAboveItsRecoverThreshold() {
        AlertRule rule = rule("below", 0.9, 0.95, 0);

        assertThat(StateMachine.decide(rule, value(0.92), firing(), T.plusSeconds(60)).next().state())
                .isEqualTo(AlertState.FIRING);
        assertThat(StateMachine.decide(rule, value(0.96), firing(), T.plusSeconds(60)).next().state())
                .isEqualTo(AlertState.OK);
    }

    @Test
    void shouldFireAtOnceWithoutForAndAfterForOtherwise() {
        assertThat(StateMachine.decide(rule("above", 0.5, null, 0), value(0.6), null, T).send())
                .isEqualTo(Notify.FIRING);
        AlertRule held = rule("above", 0.5, null, 300);
        Decision pending = StateMachine.decide(held, value(0.6), null, T);
        assertThat(pending.next().state()).isEqualTo(AlertState.PENDING);
        assertThat(StateMachine.decide(held, value(0.6), pending.next(), T.plusSeconds(299)).eventKind()).isNull();
        assertThat(StateMachine.decide(held, value(0.6), pending.next(), T.plusSeconds(300)).send())
                .isEqualTo(Notify.FIRING);
        assertThat(StateMachine.decide(held, value(0.4), pending.next(), T.plusSeconds(60)).next().state())
                .isEqualTo(AlertState.OK);
    }

    @Test
    void shouldDecideTheSameTwiceAtTheSameTime() {
        AlertRule rule = rule("above", 0.5, null, 0);
        Decision first = StateMachine.decide(rule, value(0.6), null, T);

        Decision again = StateMachine.decide(rule, value(0.6), first.next(), T);

        assertThat(again.eventKind()).isNull();
        assertThat(again.send()).isEqualTo(Notify.NONE);
    }

    @Test
    void shouldNotJudgeBelowMinRuns() {
        Decision decision = StateMachine.decide(rule("above", 0.5, null, 0), new Measurement("wf", 1.0, 3, 3, 3),
                null, T);

        assertThat(decision.next().state()).isEqualTo(AlertState.INSUFFICIENT_DATA);
        assertThat(decision.send()).isEqualTo(Notify.NONE);
    }
}
