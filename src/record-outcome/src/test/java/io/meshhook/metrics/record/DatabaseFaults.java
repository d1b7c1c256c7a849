package io.meshhook.metrics.record;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.meshhook.metrics.testing.ProxiedDatabaseResource;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The function behind a TCP proxy that plays database restarts, with a small pool and short timeouts so that
 * outages, exhausted pools and slow statements show within seconds rather than the production minutes.
 */
public class DatabaseFaults implements QuarkusTestProfile {

    /** The longest any request may take, outage or not: a hang is a failure. */
    static final Duration BOUND = Duration.ofSeconds(10);

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.datasource.reactive.max-size", "3",
                "run-metrics.database.connect-timeout", "2s",
                "run-metrics.database.acquire-timeout", "2s",
                "run-metrics.database.statement-timeout", "3s",
                "run-metrics.database.socket-timeout", "5s",
                "quarkus.datasource.reactive.idle-timeout", "2s");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ProxiedDatabaseResource.class));
    }
}
