package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The built-in timer: scheduled with the cron from configuration, switched off in tests (they drive time), and
 * its tick runs the same pass and delivery as the function. Ticks are called directly rather than waited for,
 * because a second test application (a profile with the timer on) cannot start the shared test database resource
 * in the same JVM (the PostgreSQL driver is registered by the first application's class loader only).
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class SchedulerTest extends AlertScenario {

    @Inject
    Scheduler scheduler;
    @Inject
    EvaluatorSchedule schedule;
    @Inject
    EvaluatorSchedule.SchedulerOff schedulerOff;

    @Test
    void shouldScheduleTheConfiguredCronAndSkipItWhenSwitchedOff() {
        Trigger job = scheduler.getScheduledJob("threshold-evaluator");

        assertThat(job).isNotNull();
        // "0 * * * * ?": the next tick is at a whole minute
        assertThat(job.getNextFireTime().atOffset(ZoneOffset.UTC).getSecond()).isZero();
        assertThat(schedulerOff.test(null)).as("switched off by %test.run-metrics.evaluator.scheduler-enabled")
                .isTrue();
    }

    @Test
    void shouldEvaluateAndDeliverOnceFromATick() throws Exception {
        record("failed", 5, Duration.ofMinutes(5));
        rule().insert();

        schedule.tick().await().atMost(Duration.ofSeconds(30));
        schedule.tick().await().atMost(Duration.ofSeconds(30)); // a second tick at the same time changes nothing

        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(1);
        assertThat(webhooks()).hasSize(1);
        assertThat(events("transition")).hasSize(1);
    }
}
