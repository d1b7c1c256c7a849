package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class AlertLifecycleTest extends AlertScenario {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void shouldNotifyExactlyOnceWhenTheConditionHeldForItsFor() throws Exception {
        rule().holdFor(120).insert();
        record("failed", 4, Duration.ofMinutes(10));
        record("succeeded", 2, Duration.ofMinutes(10));

        JsonPath first = evaluate();
        assertThat(state()).isEqualTo("pending");
        assertThat(first.getInt("transitions")).isEqualTo(1);
        assertThat(first.getInt("notificationsQueued")).isZero();
        advance(MINUTE);
        assertThat(evaluate().getInt("notificationsQueued")).isZero();
        assertThat(state()).isEqualTo("pending");
        advance(MINUTE);
        JsonPath firing = evaluate();
        advance(MINUTE);
        evaluate();

        assertThat(state()).isEqualTo("firing");
        assertThat(firing.getInt("rulesEvaluated")).isEqualTo(1);
        assertThat(firing.getInt("transitions")).isEqualTo(1);
        assertThat(firing.getInt("notificationsQueued")).isEqualTo(2);
        assertThat(firing.getInt("notificationsDelivered")).isEqualTo(2);
        assertThat(mails()).hasSize(1);
        MimeMessage mail = mails()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(EMAIL);
        assertThat(mail.getSubject()).contains("order-sync", "failure rate", "66.7%", "50.0%");
        List<String> bodies = bodies(mail);
        assertThat(bodies).hasSize(2).allSatisfy(body -> assertThat(body).contains("order-sync", "66.7%",
                "50.0%", "the last 1 h", "4 failed of 6 rated runs",
                DASHBOARD + "?project=" + project + "&workflow=order-sync"));
        assertThat(rawBodies(mail)).anySatisfy(body -> assertThat(body).contains("<a href=\"" + DASHBOARD));
        assertThat(webhooks()).hasSize(1);
        assertSigned(webhooks().get(0));
        // signed at the time of its delivery: the pass that fired, a minute before the last one
        assertThat(webhooks().get(0).headers().get("webhook-timestamp"))
                .isEqualTo(Long.toString(clock.instant().minus(MINUTE).getEpochSecond()));
        JsonPath hook = json(webhooks().get(0));
        assertThat(hook.getString("type")).isEqualTo("alert.firing");
        assertThat(hook.getString("data.workflowSlug")).isEqualTo(SLUG);
        assertThat(webhooks().get(0).body()).contains("\"value\":" + 4 / 6.0); // full precision, not a float
        assertThat(hook.getLong("data.ratedRuns")).isEqualTo(6);
        List<Map<String, Object>> transitions = events("transition");
        assertThat(transitions).extracting(e -> e.get("from_state") + ">" + e.get("to_state"))
                .containsExactly("null>pending", "pending>firing");
        assertThat(transitions.get(1)).containsEntry("runs", 6L).containsEntry("failures", 4L)
                .containsEntry("threshold", 0.5);
    }

    @Test
    void shouldNotStormWhileTheRateHoversAroundTheThreshold() throws Exception {
        rule().recoverAt(0.25).insert();
        record("failed", 3, Duration.ofMinutes(5));
        record("succeeded", 2, Duration.ofMinutes(5));
        evaluate();
        assertThat(state()).isEqualTo("firing");

        // 3/6 = 50 %, 4/7 = 57 %, 4/8 = 50 %, 5/9 = 56 %: across the threshold and back, never below 25 %
        String[] next = {"succeeded", "failed", "succeeded", "failed"};
        for (String status : next) {
            advance(MINUTE);
            record(status, 1, Duration.ofSeconds(10));
            evaluate();
            assertThat(state()).isEqualTo("firing");
        }

        assertThat(mails()).hasSize(1);
        assertThat(webhooks()).hasSize(1);
        assertThat(events("transition")).hasSize(1);
    }

    @Test
    void shouldSayInsufficientDataAndSendNothingBelowMinRuns() {
        rule().minRuns(10).insert();
        record("failed", 2, Duration.ofMinutes(5));
        record("succeeded", 1, Duration.ofMinutes(5));

        JsonPath answer = evaluate();

        assertThat(state()).isEqualTo("insufficientData");
        assertThat(answer.getInt("notificationsQueued")).isZero();
        assertThat(mails()).isEmpty();
        assertThat(webhooks()).isEmpty();
    }

    @Test
    void shouldSendOneResolveThatSaysHowLongItFired() throws Exception {
        rule().insert();
        record("failed", 4, Duration.ofMinutes(5));
        record("succeeded", 1, Duration.ofMinutes(5));
        evaluate();
        assertThat(state()).isEqualTo("firing");

        advance(Duration.ofMinutes(12));
        record("succeeded", 10, Duration.ofMinutes(1)); // 4 of 15 = 26.7 %
        evaluate();
        advance(MINUTE);
        evaluate();

        assertThat(state()).isEqualTo("ok");
        assertThat(mails()).hasSize(2);
        MimeMessage resolve = mails()[1];
        assertThat(resolve.getSubject()).startsWith("Resolved:").contains("order-sync", "26.7%", "12 min");
        assertThat(bodies(resolve)).allSatisfy(body -> assertThat(body).contains("fired for 12 min"));
        assertThat(webhooks()).hasSize(2);
        assertSigned(webhooks().get(1));
        JsonPath hook = json(webhooks().get(1));
        assertThat(hook.getString("type")).isEqualTo("alert.resolved");
        assertThat(hook.getLong("data.firedForSeconds")).isEqualTo(720);
        assertThat(events("transition")).extracting(e -> e.get("to_state")).containsExactly("firing", "ok");
    }

    @Test
    void shouldRemindEveryRepeatWhileStillFiring() throws Exception {
        rule().repeatEvery(600).insert();
        record("failed", 5, Duration.ofMinutes(5));
        evaluate();
        advance(Duration.ofMinutes(5));
        evaluate();
        assertThat(mails()).hasSize(1);

        advance(Duration.ofMinutes(5));
        evaluate();
        advance(MINUTE);
        evaluate();

        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(2);
        assertThat(mails()[1].getSubject()).startsWith("Still firing:");
        assertThat(webhooks()).hasSize(2);
        assertThat(json(webhooks().get(1)).getString("type")).isEqualTo("alert.renotify");
        assertThat(events("renotify")).hasSize(1);
        assertThat(events("transition")).hasSize(1);
    }

    @Test
    void shouldSendNothingWhileSnoozedAndEvaluateAgainAfterwards() {
        rule().window(7200).snoozedUntil(clock.instant().plus(Duration.ofMinutes(30))).insert();
        record("failed", 5, Duration.ofMinutes(5));

        evaluate();
        advance(Duration.ofMinutes(10));
        evaluate();
        assertThat(state()).isEqualTo("snoozed");
        assertThat(mails()).isEmpty();
        assertThat(webhooks()).isEmpty();

        advance(Duration.ofMinutes(21));
        evaluate();
        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(1);
    }
}
