package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class DeliveryRetryTest extends AlertScenario {

    @Test
    void shouldDeliverTheMailOnceAfterTheSmtpServerComesBack() {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        MailResource.down();
        try {
            JsonPath firing = evaluate();

            assertThat(firing.getInt("notificationsQueued")).isEqualTo(2);
            assertThat(firing.getInt("notificationsDelivered")).isEqualTo(1); // the webhook, not held back
            Map<String, Object> email = notification("email");
            assertThat(email).containsEntry("status", "pending").containsEntry("attempts", 1);
            assertThat((String) email.get("last_error")).isNotBlank();
            assertThat(instant(email.get("next_attempt_at")))
                    .isEqualTo(clock.instant().plusSeconds(30));
        } finally {
            MailResource.up();
        }
        assertThat(evaluate().getInt("notificationsDelivered")).isZero(); // not before its backoff
        assertThat(mails()).isEmpty();

        advance(Duration.ofSeconds(31));
        assertThat(evaluate().getInt("notificationsDelivered")).isEqualTo(1);
        advance(Duration.ofMinutes(10));
        evaluate();

        assertThat(mails()).hasSize(1);
        assertThat(notification("email")).containsEntry("status", "delivered").containsEntry("attempts", 2);
        assertThat(webhooks()).hasSize(1);
    }

    @Test
    void shouldRetryAFailingWebhookWithoutHoldingBackTheMail() throws Exception {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        hooks.answer(hookPath, 500);

        evaluate();
        assertThat(mails()).hasSize(1);
        assertThat(notification("webhook")).containsEntry("status", "pending").containsEntry("attempts", 1)
                .containsEntry("last_error", "HTTP 500 from the receiver");

        hooks.answer(hookPath, 200);
        advance(Duration.ofSeconds(31));
        evaluate();
        advance(Duration.ofMinutes(10));
        evaluate();

        List<WebhookReceiver.Received> received = webhooks();
        assertThat(received).hasSize(2);
        for (WebhookReceiver.Received hook : received) {
            assertSigned(hook);
        }
        // the same id on the retry, so a receiver that did get the first one can drop the second
        assertThat(received.get(1).headers().get("webhook-id")).isEqualTo(received.get(0).headers().get("webhook-id"));
        assertThat(notification("webhook")).containsEntry("status", "delivered").containsEntry("attempts", 2);
        assertThat(mails()).hasSize(1);
    }

    @Test
    void shouldBackOffExponentiallyAndRecordTheFailureAfterTheLastAttempt() {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        hooks.answer(hookPath, 503);

        evaluate();
        assertThat(waitAfter()).isEqualTo(Duration.ofSeconds(30));
        advance(Duration.ofSeconds(30));
        evaluate();
        assertThat(waitAfter()).isEqualTo(Duration.ofSeconds(60));
        for (int attempt = 3; attempt <= 8; attempt++) {
            advance(Duration.ofHours(1));
            evaluate();
        }
        advance(Duration.ofHours(1));
        evaluate();

        assertThat(webhooks()).hasSize(8);
        assertThat(notification("webhook")).containsEntry("status", "failed").containsEntry("attempts", 8);
        List<Map<String, Object>> failures = events("delivery_failed");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).containsEntry("to_state", "firing").containsEntry("workflow_slug", SLUG);
        assertThat(failures.get(0).get("details").toString()).contains("webhook", "HTTP 503");
        assertThat(mails()).hasSize(1);
    }

    /** How long after now the webhook's next attempt is due. */
    private Duration waitAfter() {
        return Duration.between(clock.instant(), instant(notification("webhook").get("next_attempt_at")));
    }
}
