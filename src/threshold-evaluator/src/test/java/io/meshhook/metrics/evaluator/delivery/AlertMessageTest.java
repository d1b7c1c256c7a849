package io.meshhook.metrics.evaluator.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/** What people read: figures formatted once, and user text that cannot break out of a header or a Slack message. */
class AlertMessageTest {

    private static JsonObject payload(String type, String slug, Long firedFor) {
        return new JsonObject().put("type", type).put("data", new JsonObject().put("workflowSlug", slug)
                .put("ruleName", "<!channel> rule").put("metric", "failureRate").put("operator", "above")
                .put("value", 0.125).put("threshold", 0.1).put("windowSeconds", 5400L).put("ratedRuns", 8L)
                .put("totalRuns", 9L).put("failures", 1L).put("firedForSeconds", firedFor)
                .put("dashboardUrl", "https://dash.example/?project=p&workflow=w"));
    }

    @Test
    void shouldFormatRatesWindowsAndDurations() {
        AlertMessage message = AlertMessage.of(payload("alert.resolved", "order-sync", 3_900L));

        assertThat(message.subject())
                .isEqualTo("Resolved: order-sync failure rate is 12.5% after firing for 1 h 5 min");
        assertThat(message.window()).isEqualTo("1 h 30 min");
        assertThat(AlertMessage.human(java.time.Duration.ofDays(2).plusHours(3))).isEqualTo("2 days 3 h");
    }

    @Test
    void shouldKeepLineBreaksOfASlugOutOfTheSubject() {
        AlertMessage message = AlertMessage.of(payload("alert.firing", "evil\r\nBcc: all@example.com", null));

        assertThat(message.subject()).doesNotContain("\r", "\n").startsWith("Alert: evil  Bcc: all@example.com");
    }

    @Test
    void shouldEscapeUserTextInSlackMessages() {
        AlertMessage message = AlertMessage.of(payload("alert.firing", "<https://evil.example|click>", null));

        assertThat(message.slackText()).contains("&lt;https://evil.example|click&gt;", "&lt;!channel&gt; rule",
                "<https://dash.example/?project=p&amp;workflow=w|Open the dashboard>");
    }
}
