package io.meshhook.metrics.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a Quarkus test application a migrated database of its own and the test signing secret. Set explicitly,
 * so that an exported QUARKUS_DATASOURCE_REACTIVE_URL can never point a test at real data.
 */
public class DatabaseResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TestDatabase current;

    /** The database of the running test application. */
    public static TestDatabase database() {
        if (current == null) {
            throw new IllegalStateException("no test database; annotate the test with @QuarkusTestResource("
                    + "DatabaseResource.class)");
        }
        return current;
    }

    @Override
    public Map<String, String> start() {
        current = TestDatabase.createMigrated("app");
        return Map.of(
                "quarkus.datasource.reactive.url", current.reactiveUrl(),
                "quarkus.datasource.username", current.user(),
                "quarkus.datasource.password", "",
                "run-metrics.auth.jwt-secret", TestTokens.SECRET);
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
