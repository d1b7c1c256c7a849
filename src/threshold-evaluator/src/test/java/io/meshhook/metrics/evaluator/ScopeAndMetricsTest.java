package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    void shouldCountExactlyTheRunsOfTheWindowWhenWholeHoursAreReadFromTheHourlyLevel() throws Exception {
        advance(Duration.ofMinutes(37)); // window ends and starts inside quarter-hours and hours
        for (Duration ago : List.of(Duration.ofMinutes(3), Duration.ofMinutes(20), Duration.ofMinutes(50),
                Duration.ofMinutes(95), Duration.ofHours(5), Duration.ofHours(26), Duration.ofDays(3),
                Duration.ofDays(6).plusHours(23), Duration.ofDays(8))) {
            record("succeeded", 2, ago);
            record("failed", 1, ago.plusMinutes(7));
        }
        Map<UUID, Integer> windows = new java.util.HashMap<>();
        for (int seconds : List.of(300, 900, 3_600, 5_400, 86_400, 604_800)) {
            windows.put(rule().metric("runsBelow", "below", 1_000).minRuns(0).window(seconds).insert(), seconds);
        }

        evaluate();

        windows.forEach((rule, seconds) -> assertThat(db.scalar(
                "select last_runs from alert_states where rule_id = ?", rule)).as("runs in a %d s window", seconds)
                .isEqualTo(db.scalar("select count(*) from workflow_run_outcomes where project_id = ?"
                        + " and finished_at >= date_bin('15 minutes', ?::timestamptz - make_interval(secs => ?),"
                        + " timestamptz 'epoch') and finished_at < ?::timestamptz", project, utc(clock.instant()),
                        seconds, utc(clock.instant()))));
        assertThat(db.scalar("select count(distinct last_runs) from alert_states where project_id = ?", project))
                .as("windows of different lengths see different runs").isEqualTo(6);
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
