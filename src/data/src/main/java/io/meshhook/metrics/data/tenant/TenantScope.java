package io.meshhook.metrics.data.tenant;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.database.PoolTimeouts;
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

    /** How PostgreSQL plans the statements of a {@link #queryAsUser} transaction. */
    public enum Planning {
        /** As the connection is set up (metrics-api and the evaluator: each execution with its parameters). */
        CONNECTION(BECOME_USER.formatted("$1")),
        /**
         * One generic plan per statement and connection, made at its first execution and reused: for reads whose
         * statements have one good plan whatever their parameters (planning with the parameters is 0.3-0.5 ms a
         * statement that such a read does not need to pay every time).
         */
        GENERIC(BECOME_USER.formatted("$1") + ", set_config('plan_cache_mode', 'force_generic_plan', true)");

        private final String becomeUser;

        Planning(String becomeUser) {
            this.becomeUser = becomeUser;
        }
    }

    private final Mutiny.SessionFactory sessions;
    private final Pool pool;
    private final EventLoopBridge bridge;
    private final PoolTimeouts pools;

    TenantScope(Mutiny.SessionFactory sessions, Pool pool, EventLoopBridge bridge, PoolTimeouts pools) {
        this.sessions = sessions;
        this.pool = pool;
        this.bridge = bridge;
        this.pools = pools;
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
        return queryAsUser(caller, Planning.CONNECTION, work);
    }

    /** Runs SQL as the calling user, under RLS, in one transaction on one connection, planned as asked. */
    public <T> Uni<T> queryAsUser(Caller caller, Planning planning, Function<SqlConnection, Uni<T>> work) {
        requireUser(caller);
        return asUserOn(pool, caller, planning, work);
    }

    /**
     * {@link #queryAsUser} for work that only reads, in fewer round trips: see {@link #readOn}. Work that writes
     * must use queryAsUser, whose answer waits for the commit.
     */
    public <T> Uni<T> readAsUser(Caller caller, Planning planning, Function<SqlConnection, Uni<T>> work) {
        requireUser(caller);
        return readOn(pool, caller, planning, work);
    }

    /**
     * Runs statements of a read that holds {@code current} (a {@link #queryAsUser} connection) beside it: on a
     * connection of the fan-out pool, in a transaction of its own that becomes the same user, so that PostgreSQL
     * works on both at once (two backends, two cores); pipelined on {@code current} itself when the fan-out pool
     * is off. Either way row-level security applies as in {@link #queryAsUser}. The two transactions see the same
     * data as two statements of one: each statement of a READ COMMITTED transaction takes its own snapshot anyway.
     * The fan-out pool is separate so that a read waits for its second connection while holding its first, and
     * nothing holding a second connection ever waits for a first one: no deadlock between reads under load.
     */
    public <T> Uni<T> besideAsUser(Caller caller, SqlConnection current, Function<SqlConnection, Uni<T>> work) {
        return besideAsUser(caller, current, Planning.CONNECTION, work);
    }

    /** {@link #besideAsUser}, planned as asked (as {@code current}'s transaction was, for the same statements). */
    public <T> Uni<T> besideAsUser(Caller caller, SqlConnection current, Planning planning,
            Function<SqlConnection, Uni<T>> work) {
        requireUser(caller);
        Pool fanOut = pools.fanOutPool();
        // only reads are ever spread (a summary's or a detail's statements)
        return fanOut == null ? work.apply(current) : readOn(fanOut, caller, planning, work);
    }

    /** A transaction on a connection of the pool that first becomes the caller, then does the work. */
    private <T> Uni<T> asUserOn(Pool from, Caller caller, Planning planning, Function<SqlConnection, Uni<T>> work) {
        return bridge.onEventLoop(() -> from.withTransaction(connection -> connection
                .preparedQuery(planning.becomeUser)
                .execute(Tuple.of(caller.claimsJson()))
                .chain(() -> work.apply(connection))));
    }

    /**
     * A read-only transaction on a connection of the pool that first becomes the caller, in two round trips fewer
     * than {@link #asUserOn} (a 30-day hourly trend's first connection made five one after the other: BEGIN, the
     * claims, the workflow, its rows, COMMIT):
     * <ul>
     * <li>BEGIN, the claims and the work's first statements are written at once, pipelined: PostgreSQL runs them in
     * that order on the one connection, so every statement of the work runs inside the transaction, as the user. If
     * BEGIN or the claims fail, so does everything after them in the transaction, and the combined result fails:
     * no row read is answered;
     * <li>the answer does not wait for COMMIT: it ends a transaction that changed nothing, whose reads are complete
     * once their rows are in. The connection returns to the pool after the COMMIT (or, after a failure, the
     * ROLLBACK), as before.
     * </ul>
     */
    private <T> Uni<T> readOn(Pool from, Caller caller, Planning planning, Function<SqlConnection, Uni<T>> work) {
        return bridge.onEventLoop(() -> from.getConnection().chain(connection -> Uni.combine().all()
                // subscribed in this order, so written in this order
                .unis(connection.query("BEGIN").execute(),
                        connection.preparedQuery(planning.becomeUser).execute(Tuple.of(caller.claimsJson())),
                        Uni.createFrom().deferred(() -> work.apply(connection)))
                .asTuple()
                .onItemOrFailure().transformToUni((done, failure) -> {
                    String end = failure == null ? "COMMIT" : "ROLLBACK";
                    Uni<Void> ended = connection.query(end).execute().replaceWithVoid()
                            .onTermination().call(connection::close);
                    if (failure != null) {
                        return ended.onItemOrFailure()
                                .transformToUni((ignored, also) -> Uni.createFrom().<T>failure(failure));
                    }
                    ended.subscribe().with(ignored -> {
                    }, ignored -> {
                    }); // a failed COMMIT of a read changes nothing; the pool discards a broken connection
                    return Uni.createFrom().item(done.getItem3());
                })));
    }

    private static void requireUser(Caller caller) {
        if (caller.service()) {
            throw new IllegalArgumentException("a service caller has no tenant scope");
        }
    }
}
