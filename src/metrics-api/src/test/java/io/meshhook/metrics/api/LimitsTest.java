package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.SUMMARY;
import static io.meshhook.metrics.api.MetricsApi.problem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Each user's request budget, set low here (5 at once, then one every 10 seconds): a user who floods is answered 429
 * with Retry-After while another user asking at the same moment is served; a refused write changes nothing; a body
 * over the 64 KiB limit is a 413 problem. The refill is slow so that the budget stays used up between a refusal and
 * the request a test then expects refused (at 1 a second the next token could come back in between).
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(LimitsTest.LowLimits.class)
class LimitsTest {

    private static final int BURST = 5;
    private static final String RULES = "/api/alerts/rules";

    /** A budget a test can use up in a few requests. */
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("run-metrics.limits.user-rate", "0.1", "run-metrics.limits.user-burst",
                    String.valueOf(BURST));
        }
    }

    @Test
    void shouldRefuseTheFloodingUserWhileAnotherUserIsServedAtTheSameMoment() throws Exception {
        Tenant flooder = Tenant.create();
        Tenant neighbour = Tenant.create();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> flood = new ArrayList<>();
        List<Future<Response>> neighbours = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                flood.add(pool.submit(() -> {
                    start.await();
                    return flooder.get(SUMMARY);
                }));
            }
            for (int i = 0; i < BURST; i++) {
                neighbours.add(pool.submit(() -> {
                    start.await();
                    return neighbour.get(SUMMARY);
                }));
            }
            start.countDown();

            for (Future<Response> answer : neighbours) {
                Response response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
            }
            List<Response> floodAnswers = new ArrayList<>();
            for (Future<Response> answer : flood) {
                floodAnswers.add(answer.get(60, TimeUnit.SECONDS));
            }
            // the flood takes a few seconds here, so the bucket may refill by a token meanwhile
            assertThat(floodAnswers.stream().filter(r -> r.statusCode() == 200).count()).isBetween((long) BURST,
                    BURST + 10L);
            List<Response> refused = floodAnswers.stream().filter(r -> r.statusCode() != 200).toList();
            assertThat(refused).isNotEmpty();
            for (Response response : refused) {
                JsonNode body = problem(response, 429);
                assertThat(body.get("type").asText()).isEqualTo("/problems/rate-limited");
                assertThat(body.get("title").asText()).isNotBlank();
                // a token every 10 s: the next one is at most 10 s away
                assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1L, 10L);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldServeTheFlooderAgainOnceRetryAfterHasPassed() throws InterruptedException {
        Tenant flooder = Tenant.create();
        Response refused = useUpTheBudget(flooder);

        Thread.sleep(Long.parseLong(refused.header("Retry-After")) * 1000);

        assertThat(flooder.get(SUMMARY).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldCreateNoRuleWhenTheCreateIsRefusedWith429() {
        Tenant flooder = Tenant.create();
        useUpTheBudget(flooder);

        JsonNode body = problem(post(flooder, rule(flooder, "Order sync failing")), 429);

        assertThat(body.get("type").asText()).isEqualTo("/problems/rate-limited");
        assertThat(rulesOf(flooder)).isZero();
    }

    @Test
    void shouldAnswer413AndCreateNoRuleWhenTheBodyIsOverTheLimit() {
        Tenant tenant = Tenant.create();

        JsonNode body = problem(post(tenant, rule(tenant, "n".repeat(65 * 1024))), 413);

        assertThat(body.get("type").asText()).isEqualTo("/problems/payload-too-large");
        assertThat(rulesOf(tenant)).isZero();
        // the limit is the body's size, not a rule's: the same rule with a normal name is created
        assertThat(post(tenant, rule(tenant, "Order sync failing")).statusCode()).isEqualTo(201);
    }

    @Test
    void shouldRefuseARequestLineOverTheServersLimitBeforeAnyRouteRuns() {
        Tenant tenant = Tenant.create();

        Response response = tenant.get(SUMMARY, "q", "x".repeat(5_000));

        // Vert.x answers this itself (max-initial-line-length 4,096): no route, so no problem body and no 500
        assertThat(response.statusCode()).isEqualTo(414);
    }

    private static Response useUpTheBudget(Tenant tenant) {
        for (int i = 0; i < BURST + 5; i++) {
            Response response = tenant.get(SUMMARY);
            if (response.statusCode() == 429) {
                return response;
            }
            assertThat(response.statusCode()).as("a request within the budget is served").isEqualTo(200);
        }
        throw new AssertionError("the budget was never used up; is the low limit applied?");
    }

    private static Map<String, Object> rule(Tenant tenant, String name) {
        return Map.of("projectId", tenant.project().toString(), "name", name, "metric", "failureRate",
                "threshold", 0.2, "window", "PT1H", "emails", List.of("ops@example.com"));
    }

    private static Response post(Tenant tenant, Map<String, Object> rule) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.user(tenant.user()))
                .contentType(ContentType.JSON).body(rule).when().post(RULES);
    }

    private static long rulesOf(Tenant tenant) {
        return DatabaseResource.database().scalar("select count(*) from alert_rules where project_id = ?",
                tenant.project());
    }
}
