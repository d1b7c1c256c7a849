package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.evaluator.delivery.Outbox;
import io.meshhook.metrics.evaluator.rules.EvaluationPass;
import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** An evaluator that dies after claiming notifications loses nothing, and no one else sends them meanwhile. */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class CrashRecoveryTest extends AlertScenario {

    @Inject
    EvaluationPass pass;
    @Inject
    Outbox outbox;

    @Test
    void shouldDeliverWhatADeadEvaluatorClaimedOnceItsLeaseEnds() {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        // the dying evaluator: its pass commits, it claims the notifications, and it is gone before sending
        assertThat(pass.run(clock.instant()).await().atMost(Duration.ofSeconds(30)).notificationsQueued())
                .isEqualTo(2);
        assertThat(outbox.claimDue(clock.instant()).await().atMost(Duration.ofSeconds(30))).hasSize(2);

        assertThat(evaluate().getInt("notificationsDelivered")).isZero();
        advance(Duration.ofMinutes(9));
        assertThat(evaluate().getInt("notificationsDelivered")).isZero();
        assertThat(mails()).isEmpty();
        assertThat(webhooks()).isEmpty();

        advance(Duration.ofMinutes(1));
        assertThat(evaluate().getInt("notificationsDelivered")).isEqualTo(2);
        advance(Duration.ofMinutes(10));
        evaluate();

        assertThat(mails()).hasSize(1);
        assertThat(webhooks()).hasSize(1);
        assertThat(notification("email")).containsEntry("status", "delivered").containsEntry("attempts", 2);
        assertThat(events("transition")).hasSize(1);
    }
}
