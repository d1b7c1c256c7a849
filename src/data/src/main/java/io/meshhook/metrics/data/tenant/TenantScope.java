package io.meshhook.metrics.data.tenant;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.meshhook.metrics.data.auth.Caller;
import io.meshhook.metrics.data.reactive.EventLoopBridge;
import io.smallrye.mutiny.Uni;

/**
 * Runs a user's queries inside one transaction that first becomes role {@code authenticated} with the caller's
 * JWT claims, so PostgreSQL's row-level security decides which rows exist for that user. Application filters
 * are the second line of defence, never the only one.
 */
@ApplicationScoped
public class TenantScope {

    static final String BECOME_USER = "select set_config('request.jwt.claims', :claims, true),"
            + " set_config('role', 'authenticated', true)";

    private final Mutiny.SessionFactory sessions;
    private final EventLoopBridge bridge;

    TenantScope(Mutiny.SessionFactory sessions, EventLoopBridge bridge) {
        this.sessions = sessions;
        this.bridge = bridge;
    }

    /** Runs the work as the calling user, under RLS, in one transaction. */
    public <T> Uni<T> asUser(Caller caller, Function<Mutiny.Session, Uni<T>> work) {
        if (caller.service()) {
            throw new IllegalArgumentException("a service caller has no tenant scope");
        }
        return bridge.onEventLoop(() -> sessions.withTransaction(session -> session
                .createNativeQuery(BECOME_USER)
                .setParameter("claims", caller.claimsJson())
                .getSingleResult()
                .chain(() -> work.apply(session))));
    }

    /** Runs system work (recording, evaluation) as the service, in one transaction. */
    public <T> Uni<T> asService(Function<Mutiny.Session, Uni<T>> work) {
        return bridge.onEventLoop(() -> sessions.withTransaction(work::apply));
    }
}
