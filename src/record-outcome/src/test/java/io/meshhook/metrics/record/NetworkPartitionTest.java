package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.ProxiedDatabaseResource;
import io.meshhook.metrics.testing.TcpProxy;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * The database vanishes without a word (a network partition: connections stay open, nothing gets through, no
 * reset): requests on open connections and on new ones must still end within the bound with a 503 problem, which
 * statement_timeout alone cannot give (the server never sees the statement); after the partition heals the same
 * runs are counted once.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(DatabaseFaults.class)
class NetworkPartitionTest {

    private static final int REQUESTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource
    URI app;

    @Test
    void shouldAnswer503WithinTheBoundWhenTheDatabaseGoesSilentAndCountOnceAfterItHeals() throws Exception {
        TestDatabase db = DatabaseResource.database();
        UUID project = db.createProject(UUID.randomUUID(), "network partition");
        UUID workflow = UUID.randomUUID();
        TcpProxy proxy = ProxiedDatabaseResource.proxy();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i <= REQUESTS; i++) {
            runs.add(outcome(project, workflow, "partitioned", "succeeded", Instant.now().minusSeconds(60 - i)));
        }
        post("/recordOutcome", runs.get(0)).statusCode(200); // the pool holds open connections now

        List<HttpResponse<String>> answers = new ArrayList<>();
        List<Duration> took = new ArrayList<>();
        proxy.silence();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
            try {
                List<Future<HttpResponse<String>>> pending = new ArrayList<>();
                for (Map<String, Object> run : runs.subList(1, runs.size())) {
                    pending.add(clients.submit(() -> {
                        Instant start = Instant.now();
                        try {
                            return send(http, run);
                        } finally {
                            synchronized (took) {
                                took.add(Duration.between(start, Instant.now()));
                            }
                        }
                    }));
                }
                Instant start = Instant.now();
                RestAssured.get("/q/health/live").then().statusCode(200);
                assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
                for (Future<HttpResponse<String>> f : pending) {
                    answers.add(f.get(60, SECONDS));
                }
            } finally {
                clients.shutdownNow();
            }
        } finally {
            proxy.heal();
        }

        assertThat(took).allSatisfy(t -> assertThat(t).isLessThan(DatabaseFaults.BOUND));
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.statusCode()).as("answer %s", a.body()).isEqualTo(503);
            assertThat(a.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(a.headers().firstValue("Retry-After")).isPresent();
        });

        for (Map<String, Object> run : runs.subList(1, runs.size())) {
            post("/recordOutcome", run).statusCode(200).body("runId", equalTo(run.get("runId")));
        }
        Ledger.assertCountedOnce(db, project, runs.stream().map(r -> UUID.fromString((String) r.get("runId")))
                .toList());
    }

    private HttpResponse<String> send(HttpClient http, Map<String, Object> run) throws IOException,
            InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(app.resolve("/recordOutcome"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestTokens.service())
                .POST(BodyPublishers.ofString(JSON.writeValueAsString(run))).build();
        return http.send(request, BodyHandlers.ofString());
    }
}
