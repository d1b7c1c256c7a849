package io.meshhook.metrics.api;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile of the tests that send hundreds of requests a second as one user on purpose (properties,
 * injection): rate limits off, so that they test what they name rather than the limiter. One class, so that these
 * tests share one application start.
 */
public class UnlimitedRequests implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("run-metrics.limits.enabled", "false");
    }
}
