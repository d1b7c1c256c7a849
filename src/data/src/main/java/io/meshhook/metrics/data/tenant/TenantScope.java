package io.meshhook.metrics.data.tenant;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.reactive.EventLoopBridge;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Runs a user's queries inside one transaction that first becomes role {@code authenticated} with the caller's
 * JWT claims, so PostgreSQL's row-level security decides which rows exist for that user. Application filters
 * are the second line of defence, never the only one. Entity work gets a Hibernate Reactive session; aggregate
 * SQL (arrays, time zones) gets a plain connection. Both become the user the same way.
 */
@ApplicationScoped
public class TenantScope {

    private static final String BECOME_USER = "select set_config('request.jwt.claims', %s, true),"
            + " set_config('role', 'authenticated', true)";

    private final Mutiny.SessionFactory sessions;
    private final Pool pool;
    private final EventLoopBridge bridge;

    TenantScope(Mutiny.SessionFactory sessions, Pool pool, EventLoopBridge bridge) {
        this.sessions = sessions;
        this.pool = pool;
        this.bridge = bridge;
    }

    /** Runs entity work as the calling user, under RLS, in one transaction. */
    public <T> Uni<T> asUser(Caller caller, Function<Mutiny.Session, Uni<T>> work) {
        requireUser(caller);
        return bridge.onEventLoop(() -> sessions.withTransaction(session -> session
                .createNativeQuery(BECOME_USER.formatted(":claims"))
                .setParameter("claims", caller.claimsJson())
                .getSingleResult()
                .chain(() -> work.apply(session))));
    }

    /** Runs SQL as the calling user, under RLS, in one transaction on one connection. */
    public <T> Uni<T> queryAsUser(Caller caller, Function<SqlConnection, Uni<T>> work) {
        requireUser(caller);
        return bridge.onEventLoop(() -> pool.withTransaction(connection -> connection
                .preparedQuery(BECOME_USER.formatted("$1"))
                .execute(Tuple.of(caller.claimsJson()))
                .chain(() -> work.apply(connection))));
    }

    private static void requireUser(Caller caller) {
        if (caller.service()) {
            throw new IllegalArgumentException("a service caller has no tenant scope");
        }
    }
}
