package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A webhook receiver that accepts the connection and never answers: the call times out
 * (run-metrics.delivery.http-timeout, 1 s here instead of 10 s) and is retried after its backoff with the same
 * id, while the mail of the same rule is delivered at once.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
@TestProfile(DeliveryTimeoutTest.ShortHttpTimeout.class)
class DeliveryTimeoutTest extends AlertScenario {

    /** A one-second receiver timeout, so that the test waits one second, not ten. */
    public static class ShortHttpTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("run-metrics.delivery.http-timeout", "1s");
        }
    }

    @Test
    void shouldTimeOutAHangingWebhookRetryItAndDeliverTheMailMeanwhile() throws Exception {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        hooks.hang(hookPath);

        Instant start = Instant.now();
        JsonPath firing = evaluate();
        Duration took = Duration.between(start, Instant.now());

        assertThat(took).as("a pass with a hanging receiver").isLessThan(Duration.ofSeconds(5));
        assertThat(firing.getInt("notificationsQueued")).isEqualTo(2);
        assertThat(firing.getInt("notificationsDelivered")).isEqualTo(1);
        assertThat(mails()).hasSize(1);
        assertThat(notification("email")).containsEntry("status", "delivered");
        Map<String, Object> webhook = notification("webhook");
        assertThat(webhook).containsEntry("status", "pending").containsEntry("attempts", 1);
        assertThat(((String) webhook.get("last_error")).toLowerCase()).contains("timeout");

        hooks.reset(); // answers again (204); forgets the hung call
        advance(Duration.ofSeconds(31));
        assertThat(evaluate().getInt("notificationsDelivered")).isEqualTo(1);

        List<WebhookReceiver.Received> retries = webhooks();
        assertThat(retries).hasSize(1);
        assertSigned(retries.get(0));
        assertThat(notification("webhook")).containsEntry("status", "delivered").containsEntry("attempts", 2);
        assertThat(mails()).hasSize(1);
    }
}
