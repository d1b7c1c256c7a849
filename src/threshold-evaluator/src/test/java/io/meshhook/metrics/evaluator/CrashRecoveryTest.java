package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.evaluator.delivery.Outbox;
import io.meshhook.metrics.evaluator.rules.EvaluationPass;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * An evaluator killed halfway through a pass leaves nothing of it; one that dies after claiming notifications
 * loses nothing, and no one else sends them meanwhile.
 */
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

    @Test
    void shouldLeaveNothingOfAPassKilledHalfwayAndTransitionOnceAfterwards() throws Exception {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        // the pass's last write stalls, so that its session can be killed with states and events already written
        db.execute("""
                create or replace function rm_test_stall() returns trigger language plpgsql as $$
                begin
                    perform pg_sleep(60);
                    return new;
                end
                $$;
                create or replace trigger rm_test_stall before insert on alert_notifications
                    for each row when (new.project_id = '%s') execute function rm_test_stall();
                """.formatted(project));
        Response killed;
        try {
            CompletableFuture<Response> pass = CompletableFuture.supplyAsync(() -> RestAssured.given()
                    .header("Authorization", "Bearer " + TestTokens.service()).post("/evaluateThresholds"));
            db.execute("select pg_terminate_backend(?)", stalledSession());
            killed = pass.get(30, TimeUnit.SECONDS);
        } finally {
            db.execute("drop trigger if exists rm_test_stall on alert_notifications;"
                    + " drop function if exists rm_test_stall()");
        }

        assertThat(killed.statusCode()).isEqualTo(503);
        assertThat(killed.contentType()).isEqualTo("application/problem+json");
        for (String table : List.of("alert_states", "alert_events", "alert_notifications")) {
            assertThat(db.scalar("select count(*) from " + table + " where project_id = ?", project)).as(table)
                    .isZero();
        }

        assertThat(evaluate().getInt("notificationsDelivered")).isEqualTo(2);
        evaluate();

        assertThat(events("transition")).hasSize(1);
        assertThat(state()).isEqualTo("firing");
        assertThat(mails()).hasSize(1);
        assertThat(webhooks()).hasSize(1);
    }

    /** The process id of the session stalled in the trigger, once it is there. */
    private int stalledSession() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<Map<String, Object>> rows = db.query(
                    "select pid from pg_stat_activity where datname = ? and wait_event = 'PgSleep'", db.name());
            if (!rows.isEmpty()) {
                return ((Number) rows.get(0).get("pid")).intValue();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the pass never reached alert_notifications");
    }
}
