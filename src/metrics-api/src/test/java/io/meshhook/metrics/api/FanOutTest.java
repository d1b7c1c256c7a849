package io.meshhook.metrics.api;

import static io.meshhook.metrics.api.MetricsApi.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.MetricsApi.Tenant;
import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.data.tenant.TenantScope;
import io.meshhook.metrics.testing.DatabaseResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

/**
 * The statements a read runs beside its first connection (TenantScope.besideAsUser) run on another PostgreSQL
 * backend, as role authenticated with the same caller's claims: row-level security shows them the caller's rows
 * and no other tenant's, exactly as on the first connection.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class FanOutTest {

    private static final String WHO = "select pg_backend_pid(), current_user::text,"
            + " (select array_agg(distinct project_id::text) from workflow_run_metrics),"
            + " current_setting('request.jwt.claims', true)";

    @Inject
    TenantScope scope;

    @Inject
    OutcomeRecorder recorder;

    @Test
    void shouldRunBesideOnAnotherBackendAsTheSameUserUnderRowLevelSecurity() {
        List<Tenant> tenants = twoTenantsWithARunEach();
        Tenant a = tenants.get(0);
        Tenant b = tenants.get(1);
        List<Row> both = onBoth(userOf(a), TenantScope.Planning.CONNECTION, WHO);

        Row first = both.get(0);
        Row beside = both.get(1);
        assertThat(beside.getInteger(0)).as("another backend").isNotEqualTo(first.getInteger(0));
        assertThat(beside.getString(1)).isEqualTo("authenticated");
        assertThat(beside.getString(3)).isEqualTo(first.getString(3)).contains(a.user().toString());
        assertThat(List.of(beside.getArrayOfStrings(2))).as("the projects RLS shows beside")
                .containsExactly(a.project().toString()).doesNotContain(b.project().toString());
        assertThat(List.of(first.getArrayOfStrings(2))).containsExactly(a.project().toString());
    }

    /**
     * A detail's reads ask for generic plans on both connections (TenantScope.Planning.GENERIC); every other read
     * keeps the connection's planning with parameters, which the summary needs (its generic plan took 1.9 s). The
     * setting is the transaction's own: the next transaction on the connection plans as before.
     */
    @Test
    void shouldPlanAsAskedOnBothConnectionsForTheTransactionOnly() {
        Caller caller = userOf(Tenant.create());
        String mode = "select current_setting('plan_cache_mode'), current_user::text";

        List<Row> generic = onBoth(caller, TenantScope.Planning.GENERIC, mode);
        assertThat(generic).extracting(r -> r.getString(0)).containsExactly("force_generic_plan",
                "force_generic_plan");
        assertThat(generic).extracting(r -> r.getString(1)).containsOnly("authenticated");

        for (int i = 0; i < 3; i++) { // whichever pooled connections come next
            List<Row> usual = onBoth(caller, TenantScope.Planning.CONNECTION, mode);
            assertThat(usual).extracting(r -> r.getString(0)).containsOnly("force_custom_plan");
        }
    }

    /**
     * A read (TenantScope.readAsUser) writes BEGIN, the claims and its statements at once and answers before its
     * COMMIT: its statements still run inside the transaction as the user (a claim set for the transaction only
     * would be gone after its own statement outside one), RLS shows the caller's rows only, and the connection goes
     * back to the pool with the transaction ended.
     */
    @Test
    void shouldReadInsideTheTransactionAsTheUserAndEndIt() {
        Tenant a = twoTenantsWithARunEach().get(0);

        for (TenantScope.Planning planning : TenantScope.Planning.values()) {
            Row row = scope.readAsUser(userOf(a), planning, c -> c.query(WHO).execute())
                    .await().atMost(Duration.ofSeconds(10)).iterator().next();
            assertThat(row.getString(1)).as("the role set for the transaction").isEqualTo("authenticated");
            assertThat(row.getString(3)).contains(a.user().toString());
            assertThat(List.of(row.getArrayOfStrings(2))).containsExactly(a.project().toString());
        }
        assertNoTransactionLeftOpen();
    }

    /**
     * A read that fails (PostgreSQL refuses a statement, or the work itself fails) fails with its own error, not
     * with the ROLLBACK's, and leaves no transaction open: the next reads on the pooled connections plan as the
     * connection does, not as the failed transaction asked.
     */
    @Test
    void shouldFailAFailedReadWithItsOwnErrorAndRollItBack() {
        Caller caller = userOf(Tenant.create());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scope.readAsUser(caller,
                TenantScope.Planning.GENERIC, c -> c.query("select 1 / 0").execute())
                .await().atMost(Duration.ofSeconds(10))).hasMessageContaining("division by zero");
        IllegalStateException own = new IllegalStateException("the work's own failure");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scope.readAsUser(caller,
                TenantScope.Planning.GENERIC, c -> c.query("select 1").execute()
                        .chain(() -> io.smallrye.mutiny.Uni.createFrom().failure(own)))
                .await().atMost(Duration.ofSeconds(10))).isSameAs(own);
        assertNoTransactionLeftOpen();
        for (int i = 0; i < 8; i++) { // whichever pooled connections come next
            String mode = scope.readAsUser(caller, TenantScope.Planning.CONNECTION,
                    c -> c.query("select current_setting('plan_cache_mode')").execute())
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
            assertThat(mode).isEqualTo("force_custom_plan");
        }
    }

    /** No backend of the test database stays idle in a transaction (a read's COMMIT or ROLLBACK runs after it). */
    private static void assertNoTransactionLeftOpen() {
        long open = -1;
        for (int i = 0; i < 50 && open != 0; i++) {
            open = DatabaseResource.database().scalar("select count(*) from pg_stat_activity"
                    + " where datname = current_database() and state like 'idle in transaction%'");
            if (open != 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(open).as("backends idle in a transaction").isZero();
    }

    /** Two tenants, each with a project and a recorded run of its own. */
    private List<Tenant> twoTenantsWithARunEach() {
        Tenant a = Tenant.create();
        Tenant b = Tenant.create();
        new RecordedRuns(recorder).add(List.of(a.flow("a-flow").run("succeeded", at(0, 1)),
                b.flow("b-flow").run("failed", at(0, 2)))).record();
        return List.of(a, b);
    }

    /** The first row of {@code sql} on a read's connection, then on the connection beside it, planned as asked. */
    private List<Row> onBoth(Caller caller, TenantScope.Planning planning, String sql) {
        return scope.queryAsUser(caller, planning, connection -> connection.query(sql).execute()
                .chain(first -> scope.besideAsUser(caller, connection, planning, other -> other.query(sql).execute())
                        .map(beside -> List.of(first.iterator().next(), beside.iterator().next()))))
                .await().atMost(Duration.ofSeconds(10));
    }

    private static Caller userOf(Tenant tenant) {
        return new Caller(Optional.of(tenant.user()), "authenticated",
                "{\"sub\":\"" + tenant.user() + "\",\"role\":\"authenticated\"}", false);
    }

    @Test
    void shouldRefuseAServiceCallerBeside() {
        Caller service = new Caller(Optional.<UUID>empty(), "service_role", "{\"role\":\"service_role\"}", true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scope.besideAsUser(service, null, c -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
