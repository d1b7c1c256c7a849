package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.outcome;
import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A statement of the record transaction fails halfway (disk full, an internal error), played by triggers on the
 * rollup tables that raise for one workflow slug: the request is refused whole, nothing of it is in the ledger, the
 * raw outcomes, the counters or the rollups, and once the fault is gone the same request is counted once.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class StatementFailureTest {

    TestDatabase db;
    UUID project;
    String failingSlug;

    @BeforeEach
    void injectFaults() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "statement failure");
        failingSlug = "faulty-" + UUID.randomUUID().toString().substring(0, 8);
        db.execute("""
                create table if not exists rm_test_faults (slug text primary key, sqlstate text not null);
                create or replace function rm_test_fault() returns trigger language plpgsql as $$
                declare
                    code text := (select sqlstate from rm_test_faults where slug = new.workflow_slug);
                begin
                    if code is not null then
                        raise exception 'fault injected into % for %', tg_table_name, new.workflow_slug
                            using errcode = code;
                    end if;
                    return new;
                end
                $$;
                create or replace trigger rm_test_fault before insert or update on workflow_run_rollups
                    for each row execute function rm_test_fault();
                create or replace trigger rm_test_fault before insert or update on workflow_run_error_rollups
                    for each row execute function rm_test_fault();
                """);
    }

    @AfterEach
    void removeFaults() {
        db.execute("""
                drop trigger if exists rm_test_fault on workflow_run_rollups;
                drop trigger if exists rm_test_fault on workflow_run_error_rollups;
                drop function if exists rm_test_fault();
                drop table if exists rm_test_faults;
                """);
    }

    @Test
    void shouldAnswer503AndWriteNothingOfTheBatchWhenTheDiskIsFullHalfwayThrough() {
        List<Map<String, Object>> batch = batchAround(outcome(project, UUID.randomUUID(), failingSlug, "succeeded",
                Instant.now().minusSeconds(60)));
        fail(failingSlug, "53100"); // disk_full

        var refused = post("/recordOutcomes", Map.of("outcomes", batch));

        assertThat(problem(refused, 503).getString("type")).isEqualTo("/problems/unavailable");
        refused.header("Retry-After", equalTo("5"));
        assertNothingWritten();
        assertCountedOnceWhenSentAgainAfterTheFault(batch);
    }

    @Test
    void shouldAnswer500WithoutInternalsAndWriteNothingWhenAStatementFailsUnexpectedly() {
        List<Map<String, Object>> batch = batchAround(outcome(project, UUID.randomUUID(), failingSlug, "canceled",
                Instant.now().minusSeconds(60)));
        fail(failingSlug, "XX000"); // internal_error

        var refused = post("/recordOutcomes", Map.of("outcomes", batch));

        assertThat(problem(refused, 500).getString("detail")).doesNotContain("fault", failingSlug);
        assertNothingWritten();
        assertCountedOnceWhenSentAgainAfterTheFault(batch);
    }

    @Test
    void shouldWriteNothingWhenTheLastStatementOfASingleRunFails() {
        // the error rollup is written after the ledger, the raw outcome, the counters and the rollups
        Map<String, Object> run = outcome(project, UUID.randomUUID(), failingSlug, "failed",
                Instant.now().minusSeconds(60));
        run.put("error", Map.of("code", "HTTP_502", "message", "upstream returned 502"));
        fail(failingSlug, "53100");
        db.execute("drop trigger rm_test_fault on workflow_run_rollups");

        problem(post("/recordOutcome", run), 503);

        assertNothingWritten();
        assertCountedOnceWhenSentAgainAfterTheFault(List.of(run));
    }

    /** Good runs of two other workflows around the faulty one, so that rows before and after it are written. */
    private List<Map<String, Object>> batchAround(Map<String, Object> faulty) {
        UUID before = UUID.randomUUID();
        UUID after = UUID.randomUUID();
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(outcome(project, before, "billing", "succeeded", Instant.now().minusSeconds(90 + i)));
        }
        batch.add(faulty);
        for (int i = 0; i < 3; i++) {
            batch.add(outcome(project, after, "shipping", "failed", Instant.now().minusSeconds(80 + i)));
        }
        return batch;
    }

    private void fail(String slug, String sqlstate) {
        db.execute("insert into rm_test_faults (slug, sqlstate) values (?, ?)", slug, sqlstate);
    }

    private void assertNothingWritten() {
        assertThat(written(db, project)).as("rows of a refused request").allSatisfy((table, rows) -> assertThat(
                rows).as(table).isEmpty());
    }

    private void assertCountedOnceWhenSentAgainAfterTheFault(List<Map<String, Object>> runs) {
        db.execute("delete from rm_test_faults");
        if (runs.size() == 1) {
            post("/recordOutcome", runs.get(0)).statusCode(200).body("duplicate", equalTo(false));
        } else {
            post("/recordOutcomes", Map.of("outcomes", runs)).statusCode(200)
                    .body("recorded", equalTo(runs.size())).body("duplicates", equalTo(0));
        }
        Ledger.assertCountedOnce(db, project, runs.stream().map(r -> UUID.fromString((String) r.get("runId")))
                .toList());
    }
}
