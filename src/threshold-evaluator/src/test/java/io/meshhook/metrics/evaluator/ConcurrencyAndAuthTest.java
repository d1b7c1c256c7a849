package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@QuarkusTestResource(MailResource.class)
class ConcurrencyAndAuthTest extends AlertScenario {

    @Test
    void shouldTransitionAndNotifyOnceWhenEvaluatorsRunInParallel() throws Exception {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));
        int callers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<JsonPath>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return evaluate();
                }));
            }
            start.countDown();
            int transitions = 0;
            int delivered = 0;
            for (Future<JsonPath> answer : answers) {
                transitions += answer.get().getInt("transitions");
                delivered += answer.get().getInt("notificationsDelivered");
            }
            assertThat(transitions).isEqualTo(1);
            assertThat(delivered).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        // and once more, sequentially, at the same time: nothing left to do
        JsonPath again = evaluate();

        assertThat(again.getInt("transitions")).isZero();
        assertThat(again.getInt("notificationsQueued")).isZero();
        assertThat(events("transition")).hasSize(1);
        assertThat(db.scalar("select count(*) from alert_notifications where project_id = ?", project)).isEqualTo(2);
        assertThat(mails()).hasSize(1);
        assertThat(webhooks()).hasSize(1);
    }

    @Test
    void shouldRefuseCallersWithoutTheServiceToken() {
        rule().insert();
        record("failed", 5, Duration.ofMinutes(5));

        RestAssured.given().post("/evaluateThresholds").then().statusCode(401)
                .contentType("application/problem+json");
        RestAssured.given().header("Authorization", "Bearer " + TestTokens.user(UUID.randomUUID()))
                .post("/evaluateThresholds").then().statusCode(403).contentType("application/problem+json");

        assertThat(db.scalar("select count(*) from alert_states where project_id = ?", project)).isZero();
        assertThat(mails()).isEmpty();
    }
}
