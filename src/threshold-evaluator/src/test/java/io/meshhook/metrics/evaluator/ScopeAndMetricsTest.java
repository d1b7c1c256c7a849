package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class ScopeAndMetricsTest extends AlertScenario {

    @Test
    void shouldAlertEveryWorkflowOfTheProjectSeparatelyAndIgnoreTestRuns() throws Exception {
        rule().workflow(null).insert();
        record(SLUG, "webhook", "failed", 5, Duration.ofMinutes(5));
        record("billing", "webhook", "succeeded", 5, Duration.ofMinutes(5));
        record("billing", "test", "failed", 20, Duration.ofMinutes(5)); // a test run never alerts

        JsonPath answer = evaluate();

        assertThat(answer.getInt("rulesEvaluated")).isEqualTo(1);
        assertThat(states()).isEqualTo(Map.of(SLUG, "firing", "billing", "ok"));
        assertThat(mails()).hasSize(1);
        assertThat(mails()[0].getSubject()).contains(SLUG).doesNotContain("billing");
    }

    @Test
    void shouldFireOnConsecutiveFailuresAndResolveOnTheNextSuccess() throws Exception {
        rule().metric("consecutiveFailures", "atLeast", 3).minRuns(0).insert();
        record("succeeded", 1, Duration.ofMinutes(20));
        record("failed", 2, Duration.ofMinutes(10));
        evaluate();
        assertThat(state()).isEqualTo("ok");

        record("failed", 1, Duration.ofMinutes(5));
        evaluate();
        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(1);
        assertThat(mails()[0].getSubject()).contains("consecutive failures is 3", "at or above 3");

        advance(Duration.ofMinutes(1));
        record("succeeded", 1, Duration.ofSeconds(10));
        evaluate();
        assertThat(state()).isEqualTo("ok");
        assertThat(mails()).hasSize(2);
    }

    @Test
    void shouldFireWhenAWorkflowStopsRunningWhateverMinRuns() throws Exception {
        rule().metric("runsBelow", "below", 5).minRuns(100).insert();
        record("succeeded", 2, Duration.ofMinutes(5));

        evaluate();

        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(1);
        assertThat(mails()[0].getSubject()).contains("runs is 2", "below 5");
    }

    @Test
    void shouldPostTheAlertToSlack() {
        String slackPath = "/slack/" + java.util.UUID.randomUUID();
        rule().emails().webhook(null, null).slack(hooks.url(slackPath)).insert();
        record("failed", 5, Duration.ofMinutes(5));

        JsonPath answer = evaluate();

        assertThat(answer.getInt("notificationsDelivered")).isEqualTo(1);
        assertThat(hooks.at(slackPath)).hasSize(1);
        String text = JsonPath.from(hooks.at(slackPath).get(0).body()).getString("text");
        assertThat(text).contains("order-sync", "failure rate is 100.0%", "5 failed of 5 rated runs",
                DASHBOARD + "?project=" + project);
        assertThat(mails()).isEmpty();
    }
}
