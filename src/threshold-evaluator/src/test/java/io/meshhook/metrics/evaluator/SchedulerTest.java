package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The built-in timer runs passes by itself when enabled, with the cron from configuration. */
@QuarkusTest
@TestProfile(SchedulerTest.EverySecond.class)
@QuarkusTestResource(SchedulerTest.Database.class)
@QuarkusTestResource(MailResource.class)
class SchedulerTest extends AlertScenario {

    /** The timer on, ticking every second instead of every minute. */
    public static class EverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("run-metrics.evaluator.scheduler-enabled", "true",
                    "run-metrics.evaluator.cron", "* * * * * ?");
        }
    }

    /**
     * The test database for this second application: its class loader must register the PostgreSQL driver itself,
     * since DriverManager refuses a driver registered by the first application's loader ("No suitable driver").
     */
    public static class Database extends DatabaseResource {
        @Override
        public Map<String, String> start() {
            try {
                Class.forName("org.postgresql.Driver");
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            return super.start();
        }
    }

    @Test
    void shouldEvaluateAndDeliverOnItsOwnSchedule() throws Exception {
        // runs first: a tick between the two would rightly see a rule without data (insufficientData first)
        record("failed", 5, Duration.ofMinutes(5));
        rule().insert();

        Instant deadline = Instant.now().plusSeconds(20);
        while (mails().length == 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }

        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(1);
        Thread.sleep(2_000); // more ticks at the same (test) time change nothing
        assertThat(mails()).hasSize(1);
        assertThat(webhooks()).hasSize(1);
        assertThat(events("transition")).hasSize(1);
    }
}
