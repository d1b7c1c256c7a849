package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.succeeded;
import static io.meshhook.metrics.record.Outcomes.written;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.JwksServer;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The engine's token verified against a JWKS URL (asymmetric keys) instead of the shared secret. */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(JwksTokenTest.WithJwks.class)
class JwksTokenTest {

    /** Points the function at a real JWKS endpoint; the JWKS then wins over the secret DatabaseResource sets. */
    public static class WithJwks implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(JwksServer.class));
        }
    }

    TestDatabase db;
    UUID project;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "jwks test");
    }

    @Test
    void shouldRecordWhenTheServiceTokenIsSignedWithAPublishedKey() {
        post("/recordOutcome", succeeded(project, UUID.randomUUID()),
                "Bearer " + JwksServer.signTrusted(TestTokens.serviceClaims())).statusCode(200);

        assertThat(db.scalar("select count(*) from workflow_run_outcome_keys where project_id = ?", project))
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseEveryTokenTheKeySetDidNotSign() {
        Map<String, Object> claims = TestTokens.serviceClaims();
        List<String> refused = List.of(
                // the shared secret no longer counts once the project signs with asymmetric keys
                TestTokens.sign(claims, TestTokens.SECRET),
                JwksServer.signStranger(claims),
                JwksServer.signConfused(claims),
                TestTokens.unsigned(claims));
        for (String token : refused) {
            problem(post("/recordOutcome", succeeded(project, UUID.randomUUID()), "Bearer " + token), 401);
        }

        assertThat(written(db, project).values()).allMatch(List::isEmpty);
    }
}
