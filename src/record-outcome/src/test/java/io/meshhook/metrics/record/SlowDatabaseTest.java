package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.written;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;

/**
 * Every connection of a small pool (3) stuck behind a lock that another session holds on the counter row the
 * record path updates, and more requests queued for a connection: each must end within the bound with a 503
 * problem (statement_timeout for those waiting on the lock, the acquire timeout for those waiting for the pool),
 * change nothing, and the process must stay live; once the lock is released the same runs are counted once.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(DatabaseFaults.class)
class SlowDatabaseTest {

    private static final int REQUESTS = 7;

    TestDatabase db;
    UUID project;
    UUID workflow;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "slow database");
        workflow = UUID.randomUUID();
    }

    @Test
    void shouldAnswer503WithinTheBoundStayLiveAndCountOnceWhenEveryConnectionWaitsOnALock() throws Exception {
        Map<String, Object> first = outcome(project, workflow, "locked", "succeeded", Instant.now().minusSeconds(60));
        post("/recordOutcome", first).statusCode(200);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            runs.add(outcome(project, workflow, "locked", "failed", Instant.now().minusSeconds(50 - i)));
        }
        Map<String, List<String>> before = written(db, project);

        List<Answer> answers;
        List<Duration> liveness = new ArrayList<>();
        try (Connection lock = lockCounterRow()) {
            ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
            try {
                List<Future<Answer>> pending = new ArrayList<>();
                runs.forEach(run -> pending.add(clients.submit(() -> timed(() -> post("/recordOutcome", run)))));
                for (int i = 0; i < 5; i++) {
                    Thread.sleep(400);
                    Instant start = Instant.now();
                    RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
                    liveness.add(Duration.between(start, Instant.now()));
                }
                answers = new ArrayList<>();
                for (Future<Answer> f : pending) {
                    answers.add(f.get(30, SECONDS));
                }
            } finally {
                clients.shutdownNow();
            }
            lock.rollback();
        }

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.took()).isLessThan(DatabaseFaults.BOUND);
            assertThat(problem(a.response(), 503).getString("type")).isEqualTo("/problems/unavailable");
            a.response().header("Retry-After", equalTo("5"));
        });
        assertThat(liveness).allSatisfy(took -> assertThat(took).isLessThan(Duration.ofSeconds(1)));
        assertThat(written(db, project)).as("rows written by refused requests").isEqualTo(before);

        for (Map<String, Object> run : runs) {
            post("/recordOutcome", run).statusCode(200).body("duplicate", equalTo(false));
        }
        assertThat(db.query("select success_count, failure_count from workflow_run_metrics where project_id = ?",
                project)).containsExactly(Map.of("success_count", 1L, "failure_count", (long) REQUESTS));
        List<UUID> all = new ArrayList<>();
        all.add(UUID.fromString((String) first.get("runId")));
        runs.forEach(run -> all.add(UUID.fromString((String) run.get("runId"))));
        Ledger.assertCountedOnce(db, project, all);
    }

    /** Holds the workflow's counter row locked in an open transaction of a session of the test's own. */
    private Connection lockCounterRow() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", db.user());
        Connection c = new org.postgresql.Driver().connect(db.jdbcUrl(), properties);
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement(
                "select 1 from workflow_run_metrics where project_id = ? and workflow_id = ? for update")) {
            s.setObject(1, project);
            s.setObject(2, workflow);
            s.executeQuery().close();
        }
        return c;
    }

    private static Answer timed(Supplier<ValidatableResponse> request) {
        Instant start = Instant.now();
        ValidatableResponse response = request.get();
        return new Answer(response, Duration.between(start, Instant.now()));
    }

    private record Answer(ValidatableResponse response, Duration took) {
    }
}
