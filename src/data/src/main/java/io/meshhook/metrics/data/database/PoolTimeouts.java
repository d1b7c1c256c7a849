package io.meshhook.metrics.data.database;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Creates the datasource's pool as Quarkus configured it, plus the timeouts of {@link DatabaseConfig}. Quarkus
 * calls this bean instead of building the pool itself; URL, size and idle timeout still come from its own keys.
 * <p>
 * Also keeps, for {@link #fanOutPool()}, a second pool to the same servers with the same options and
 * {@code fan-out-pool-size} connections: a request holding a connection of the first pool may wait for one of
 * the second, never the other way round, so two-connection reads cannot starve each other into a deadlock.
 */
@Singleton
public class PoolTimeouts implements PgPoolCreator {

    private final DatabaseConfig config;
    private volatile Input input;
    private volatile Pool fanOut;

    PoolTimeouts(DatabaseConfig config) {
        this.config = config;
    }

    @Override
    @SuppressWarnings("deprecation") // Quarkus 3.33 casts the result to PgPool, which only PgPool.pool builds
    public PgPool create(Input input) {
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        List<PgConnectOptions> servers = input.pgConnectOptionsList();
        long statementTimeout = config.statementTimeout().toMillis();
        for (PgConnectOptions server : servers) {
            server.setConnectTimeout((int) config.connectTimeout().toMillis());
            // metrics-api's statements over the rollup levels are 3-5 KB: cache them too (the default limit is
            // 2,048 characters, above which every execution parsed its statement again)
            server.setPreparedStatementCacheSqlLimit(16_384);
            if (statementTimeout > 0) {
                server.addProperty("statement_timeout", Long.toString(statementTimeout));
            }
            if (!config.socketTimeout().isZero()) {
                server.setIdleTimeout((int) config.socketTimeout().toMillis())
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
            }
        }
        this.input = input;
        return PgPool.pool(input.vertx(), servers, pool);
    }

    /**
     * The second pool (opened on first use; no connection until then), or null when {@code fan-out-pool-size} is 0
     * or the datasource pool was not created yet.
     */
    @SuppressWarnings("deprecation") // as above
    public Pool fanOutPool() {
        Pool pool = fanOut;
        if (pool != null || config.fanOutPoolSize() <= 0 || input == null) {
            return pool;
        }
        synchronized (this) {
            if (fanOut == null) {
                PoolOptions options = new PoolOptions(input.poolOptions()).setMaxSize(config.fanOutPoolSize())
                        .setName("fan-out");
                fanOut = Pool.newInstance(PgPool.pool(input.vertx(), input.pgConnectOptionsList(), options));
            }
            return fanOut;
        }
    }
}
