package io.meshhook.metrics.api.dashboard;

import java.util.UUID;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;

/** A tenant of its own per browser test (a user, their project, their token), so tests never see each other. */
record DashboardTenant(UUID user, UUID project, String token) {

    static DashboardTenant create(String projectName) {
        UUID user = UUID.randomUUID();
        return new DashboardTenant(user, DatabaseResource.database().createProject(user, projectName),
                TestTokens.user(user));
    }
}
