package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.counters.WorkflowRunMetrics;
import io.meshhook.metrics.data.counters.WorkflowRunMetricsRepository;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * PostgreSQL itself, not the application, keeps tenants apart: a user reading any of our tables with no filter at
 * all sees only the rows of their own projects, and can change nothing.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class RowLevelSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TenantScope tenants;

    @Inject
    WorkflowRunMetricsRepository counters;

    TestDatabase db;
    UUID userA;
    UUID userB;
    UUID projectA;
    UUID projectB;
    List<UUID> workflowsA;

    static List<String> tables() {
        return List.of("workflow_run_outcome_keys", "workflow_run_outcomes", "workflow_run_metrics",
                "workflow_run_rollups", "workflow_run_error_rollups", "workflow_run_rollups_hourly",
                "workflow_run_rollups_daily", "workflow_run_rollups_hourly_totals", "workflow_run_rollups_local_daily");
    }

    @BeforeEach
    void recordForTwoUsers() {
        db = DatabaseResource.database();
        userA = UUID.randomUUID();
        userB = UUID.randomUUID();
        projectA = db.createProject(userA, "tenant a");
        projectB = db.createProject(userB, "tenant b");
        workflowsA = record(projectA);
        record(projectB);
    }

    @ParameterizedTest
    @MethodSource("tables")
    void shouldShowEachUserExactlyTheRowsOfTheirOwnProjectWhenTheyReadATableWithoutAFilter(String table) {
        assertThat(projectsOfRowsSeenBy(userA, table)).isNotEmpty().containsOnly(projectA)
                .hasSize(rowsOf(projectA, table));
        assertThat(projectsOfRowsSeenBy(userB, table)).isNotEmpty().containsOnly(projectB)
                .hasSize(rowsOf(projectB, table));
    }

    @ParameterizedTest
    @MethodSource("tables")
    void shouldShowNothingWhenTheUserHasNoProject(String table) {
        assertThat(db.scalar("select count(*) from " + table)).as("rows that could leak").isPositive();

        assertThat(db.queryAsUser(UUID.randomUUID(), "select * from " + table)).isEmpty();
    }

    @Test
    void shouldRefuseOrHideEveryPartitionWhenAUserReadsItDirectly() {
        List<String> partitions = db.query("select inhrelid::regclass::text as name from pg_inherits"
                + " where inhparent = 'workflow_run_outcomes'::regclass").stream()
                .map(row -> (String) row.get("name")).toList();

        // the outcomes were recorded a week apart, so at least two partitions hold rows of A
        assertThat(partitions).hasSizeGreaterThanOrEqualTo(2);
        for (String partition : partitions) {
            assertThat(directRead(userA, partition)).as(partition)
                    .matches(answer -> answer.contains("permission denied") || answer.equals("0 rows"));
        }
    }

    @ParameterizedTest
    @MethodSource("tables")
    void shouldRefuseEveryWriteWhenTheRoleIsAuthenticated(String table) {
        // a missing grant, not RLS: RLS never applies to TRUNCATE, and would let the rest through once any
        // write policy were added
        for (String write : List.of("insert into %1$s select * from %1$s", "update %1$s set project_id = project_id",
                "delete from %1$s", "truncate %1$s")) {
            String sql = write.formatted(table);

            assertThatThrownBy(() -> db.queryAsUser(userA, sql)).as(sql).hasMessageContaining("permission denied");
        }
    }

    @Test
    void shouldReturnOnlyTheCallersCountersWhenReadThroughTheTenantScope() {
        List<WorkflowRunMetrics> visible = tenants.asUser(caller(userA), counters::visible).await()
                .atMost(Duration.ofSeconds(10));

        assertThat(visible).extracting(m -> m.projectId).containsOnly(projectA);
        assertThat(visible).extracting(m -> m.workflowId).containsExactlyInAnyOrderElementsOf(workflowsA);
    }

    /** Two versions of a workflow, with a success, a failure with an error and a time-out a week earlier. */
    private static List<UUID> record(UUID project) {
        UUID version1 = UUID.randomUUID();
        UUID version2 = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> failed = outcome(project, version1, "invoice-sync", "failed", now.minusSeconds(60));
        failed.put("error", Map.of("code", "HTTP_500", "message", "upstream failed"));
        Map<String, Object> timedOut = outcome(project, version2, "invoice-sync", "timed_out",
                now.minus(8, ChronoUnit.DAYS));
        timedOut.put("workflowVersion", 2);

        post("/recordOutcomes", Map.of("outcomes", List.of(
                outcome(project, version1, "invoice-sync", "succeeded", now.minusSeconds(30)), failed, timedOut)))
                .statusCode(200);
        return List.of(version1, version2);
    }

    private List<Object> projectsOfRowsSeenBy(UUID user, String table) {
        return db.queryAsUser(user, "select * from " + table).stream().map(row -> row.get("project_id")).toList();
    }

    private int rowsOf(UUID project, String table) {
        return (int) db.scalar("select count(*) from " + table + " where project_id = ?", project);
    }

    private String directRead(UUID user, String relation) {
        try {
            return db.queryAsUser(user, "select * from " + relation).size() + " rows";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private static Caller caller(UUID user) {
        try {
            return new Caller(Optional.of(user), "authenticated", JSON.writeValueAsString(TestTokens.userClaims(user)),
                    false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
