package io.meshhook.metrics.data.database;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How long a request may wait for the database before it is answered 503: a dead, locked or overloaded database
 * must not hold requests (and the engine's workers) for the Vert.x defaults of 60 s and 30 s, or forever. Quarkus
 * 3.33 has no {@code quarkus.datasource.reactive.*} key for the connect and acquire timeouts.
 */
@ConfigMapping(prefix = "run-metrics.database")
public interface DatabaseConfig {

    /** How long opening a TCP connection to PostgreSQL may take (the Vert.x default is 60 s). */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long a request waits for a free pool connection before it is answered 503 (Vert.x: 30 s). */
    @WithDefault("10s")
    Duration acquireTimeout();

    /**
     * PostgreSQL's {@code statement_timeout} for the pool's sessions, sent when connecting; 0 (the default) sends
     * nothing. A statement cancelled by it rolls its transaction back (SQLSTATE 57014, answered 503). Set it to 0
     * behind a pooler that refuses startup parameters.
     */
    @WithDefault("0s")
    Duration statementTimeout();

    /**
     * A connection on which nothing was sent or received for this long is closed (answered 503); 0 (the default)
     * never. Bounds a statement on a server that vanished without a reset (a network partition), which
     * statement_timeout cannot. Keep it above the statement timeout, and the pool's idle-timeout below it, so
     * that it never cuts a connection that is merely idle in the pool.
     */
    @WithDefault("0s")
    Duration socketTimeout();

    /**
     * Connections of the second pool that a user read may spread part of its statements over (see
     * {@code TenantScope.besideAsUser}); 0 turns spreading off. Connections are opened on first use only.
     */
    @WithDefault("10")
    int fanOutPoolSize();
}
