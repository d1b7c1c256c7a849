package io.meshhook.metrics.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Puts a {@link TcpProxy} between the test application and its database (the one {@link DatabaseResource}
 * created), so that a test can cut, refuse and restore the database without touching the shared server. Starts
 * after DatabaseResource ({@link #order()}), and its URL replaces that resource's.
 */
public class ProxiedDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TcpProxy proxy;

    /** The proxy of the running test application. */
    public static TcpProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("no proxy; list ProxiedDatabaseResource in the test profile");
        }
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        TestDatabase db = DatabaseResource.database();
        proxy = TcpProxy.start(db.host(), db.port());
        return Map.of("quarkus.datasource.reactive.url",
                "postgresql://127.0.0.1:" + proxy.port() + "/" + db.name());
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    @Override
    public int order() {
        return 1;
    }
}
