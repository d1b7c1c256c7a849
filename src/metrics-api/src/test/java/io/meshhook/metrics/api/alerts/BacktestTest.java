package io.meshhook.metrics.api.alerts;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.RecordedRuns;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Replays draft rules over known runs. Times are whole 15-minute buckets some days back; each step evaluates the
 * window ending at it, so with a 1-hour window the step at B+30m sees the buckets B-30m, B-15m, B and B+15m.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class BacktestTest {

    private static final Duration Q = Duration.ofMinutes(15);
    private static final UUID USER = UUID.randomUUID();
    private static UUID incident;
    private static UUID noisy;
    /** Start of the 2-hour incident, 3 days ago. */
    private static Instant b;
    /** Start of the flapping period, 5 days ago, and of the one-bucket spike, 10 days ago. */
    private static Instant flap;
    private static Instant spike;

    @Inject
    OutcomeRecorder recorder;

    @BeforeEach
    void recordOnce() {
        if (incident != null) {
            return;
        }
        long now = Instant.now().getEpochSecond();
        Instant bucket = Instant.ofEpochSecond(now - now % Q.toSeconds());
        b = bucket.minus(Duration.ofDays(3));
        flap = bucket.minus(Duration.ofDays(5));
        spike = bucket.minus(Duration.ofDays(10));
        incident = DatabaseResource.database().createProject(USER, "incident");
        noisy = DatabaseResource.database().createProject(USER, "noisy");
        RecordedRuns runs = new RecordedRuns(recorder);
        UUID wf = UUID.randomUUID();
        // order-sync: 10 successes per bucket from B-2h to B+4h; 10 failures more per bucket from B to B+2h
        for (int k = -8; k < 16; k++) {
            add(runs, incident, wf, "order-sync", at(b, k), 10, k >= 0 && k < 8 ? 10 : 0);
        }
        // flappy: 40 %, 20 %, 40 %, … for 4 hours, then one clean bucket
        UUID flappy = UUID.randomUUID();
        for (int k = 0; k < 16; k++) {
            add(runs, noisy, flappy, "flappy", at(flap, k), k % 2 == 0 ? 6 : 8, k % 2 == 0 ? 4 : 2);
        }
        add(runs, noisy, flappy, "flappy", at(flap, 16), 10, 0);
        // spiky: 2 clean hours with one bucket at 50 %
        UUID spiky = UUID.randomUUID();
        for (int k = 0; k < 8; k++) {
            add(runs, noisy, spiky, "spiky", at(spike, k), 10, k == 3 ? 10 : 0);
        }
        runs.record();
    }

    @Test
    void shouldFireExactlyOnceWhenAWorkflowFailedHalfItsRunsForTwoHoursThreeDaysAgo() {
        backtest(draft(incident, null, 0.3, "PT1H")).body("firings", equalTo(1))
                .body("workflows", equalTo(1))
                .body("steps", equalTo(2880))
                .body("fired[0].workflowSlug", equalTo("order-sync"))
                .body("fired[0].firedAt", equalTo(at(b, 2).toString()))
                .body("fired[0].resolvedAt", equalTo(at(b, 11).toString()))
                .body("fired[0].peakValue", equalTo(0.5f));
        backtest(draft(incident, "order-sync", 0.3, "PT1H")).body("firings", equalTo(1));
        backtest(draft(incident, "another-workflow", 0.3, "PT1H")).body("firings", equalTo(0))
                .body("workflows", equalTo(0));
    }

    @Test
    void shouldNotFireWhenTheWindowHasFewerRunsThanMinRuns() {
        Map<String, Object> rule = draft(incident, "order-sync", 0.3, "PT1H");
        rule.put("minRuns", 81); // the busiest window has 80 runs
        backtest(rule).body("firings", equalTo(0));
        rule.put("minRuns", 80);
        backtest(rule).body("firings", equalTo(1));
    }

    @Test
    void shouldFireOnlyWhenTheConditionHeldForTheWholeForDuration() {
        Map<String, Object> rule = draft(incident, "order-sync", 0.3, "PT1H");
        rule.put("for", "PT1H");
        backtest(rule).body("firings", equalTo(1)).body("fired[0].firedAt", equalTo(at(b, 6).toString()));
        rule.put("for", "PT3H"); // it held from B+30m to B+2h30m: 2 hours
        backtest(rule).body("firings", equalTo(0));

        Map<String, Object> spikeRule = draft(noisy, "spiky", 0.3, "PT15M");
        backtest(spikeRule).body("firings", equalTo(1)).body("fired[0].firedAt", equalTo(at(spike, 4).toString()))
                .body("fired[0].resolvedAt", equalTo(at(spike, 5).toString()));
        spikeRule.put("for", "PT30M");
        backtest(spikeRule).body("firings", equalTo(0));
    }

    @Test
    void shouldFireOnceInsteadOfFlappingWhenARecoverThresholdIsSet() {
        Map<String, Object> rule = draft(noisy, "flappy", 0.3, "PT5M");
        backtest(rule).body("firings", equalTo(8)).body("window", equalTo("PT15M"));
        rule.put("recoverThreshold", 0.1);
        backtest(rule).body("firings", equalTo(1))
                .body("fired[0].firedAt", equalTo(at(flap, 1).toString()))
                .body("fired[0].resolvedAt", equalTo(at(flap, 17).toString()))
                .body("fired[0].peakValue", equalTo(0.4f));
    }

    @Test
    void shouldCountFailuresAndSilenceWithTheRulesOtherMetrics() {
        Map<String, Object> failures = draft(incident, "order-sync", 30, "PT1H");
        failures.put("metric", "failures");
        backtest(failures).body("firings", equalTo(1)).body("fired[0].firedAt", equalTo(at(b, 3).toString()))
                .body("fired[0].resolvedAt", equalTo(at(b, 10).toString()));

        // the workflow stopped running at B+4h: fires when the window holds no run any more, never before it ran
        Map<String, Object> silence = draft(incident, "order-sync", 5, "PT1H");
        silence.put("metric", "runsBelow");
        backtest(silence).body("firings", equalTo(1)).body("fired[0].firedAt", equalTo(at(b, 20).toString()))
                .body("fired[0].resolvedAt", nullValue()).body("fired[0].peakValue", equalTo(0f));

        Map<String, Object> success = draft(incident, "order-sync", 0.6, "PT1H");
        success.put("metric", "successRate");
        backtest(success).body("firings", equalTo(1)).body("fired[0].peakValue", equalTo(0.5f));
    }

    @Test
    void shouldAnswer422ForConsecutiveFailuresAndForAnInvalidDraft() {
        Map<String, Object> rule = draft(incident, "order-sync", 3, "PT1H");
        rule.put("metric", "consecutiveFailures");
        AlertApi.as(USER).body(rule).when().post("/api/alerts/backtest").then().log().ifValidationFails()
                .statusCode(422).body("type", equalTo("/problems/backtest-unsupported"))
                .body("errors[0].field", equalTo("metric"));
        rule.put("metric", "failureRate");
        rule.put("window", "P8D");
        AlertApi.as(USER).body(rule).when().post("/api/alerts/backtest").then().statusCode(422)
                .body("type", equalTo("/problems/invalid-rule")).body("errors", hasSize(2));
    }

    private static ValidatableResponse backtest(Map<String, Object> rule) {
        return AlertApi.as(USER).body(rule).when().post("/api/alerts/backtest").then().log().ifValidationFails()
                .statusCode(200);
    }

    /** A draft without channels: a backtest needs none. */
    private static Map<String, Object> draft(UUID project, String slug, double threshold, String window) {
        Map<String, Object> rule = AlertApi.rule(project);
        rule.remove("emails");
        rule.put("workflowSlug", slug);
        rule.put("threshold", threshold);
        rule.put("window", window);
        return rule;
    }

    private static Instant at(Instant start, int buckets) {
        return start.plus(Q.multipliedBy(buckets));
    }

    private static void add(RecordedRuns runs, UUID project, UUID wf, String slug, Instant bucket, int succeeded,
            int failed) {
        for (int i = 0; i < succeeded + failed; i++) {
            runs.run(project, wf, slug, i < succeeded ? "succeeded" : "failed", bucket.plusSeconds(60 + i * 10L));
        }
    }
}
