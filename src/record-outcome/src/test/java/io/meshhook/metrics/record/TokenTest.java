package io.meshhook.metrics.record;

import static io.meshhook.metrics.record.Outcomes.post;
import static io.meshhook.metrics.record.Outcomes.problem;
import static io.meshhook.metrics.record.Outcomes.succeeded;
import static io.meshhook.metrics.record.Outcomes.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class TokenTest {

    private static final String PATH = "/recordOutcome";

    TestDatabase db;
    UUID project;
    Map<String, Object> outcome;

    @BeforeEach
    void newProject() {
        db = DatabaseResource.database();
        project = db.createProject(UUID.randomUUID(), "token test");
        outcome = succeeded(project, UUID.randomUUID());
    }

    static Stream<Arguments> badCredentials() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                argumentSet("no Authorization header", null, 401, ""),
                argumentSet("Basic credentials", "Basic abc", 401, ""),
                argumentSet("Bearer with an empty token", "Bearer ", 401, ""),
                argumentSet("a token that is not a JWT", "Bearer abc.def.ghi", 401, ""),
                // beyond the 30 s clock skew, so no tolerance can save it
                argumentSet("an expired service token", bearer(TestTokens.sign(
                        claims(Map.of("iat", now - 7_200, "exp", now - 120)), TestTokens.SECRET)), 401, "expired"),
                argumentSet("a service token signed with another secret", bearer(TestTokens.sign(
                        TestTokens.serviceClaims(), "another-secret-of-at-least-32-characters")), 401, ""),
                argumentSet("an unsigned token (alg none) with service claims",
                        bearer(TestTokens.unsigned(TestTokens.serviceClaims())), 401, ""),
                argumentSet("service claims for another audience", bearer(TestTokens.sign(
                        claims(Map.of("aud", "other-service")), TestTokens.SECRET)), 401, "audience"),
                // a signed-in user is authenticated, but must not be able to count runs for any tenant
                argumentSet("a user token", bearer(TestTokens.user(UUID.randomUUID())), 403, ""),
                argumentSet("a service token without exp", bearer(TestTokens.sign(withoutExpiry(), TestTokens.SECRET)),
                        401, ""),
                argumentSet("a service token not valid for another hour", bearer(TestTokens.sign(
                        claims(Map.of("nbf", now + 3_600)), TestTokens.SECRET)), 401, ""),
                argumentSet("a user token with a service payload swapped in", bearer(escalated()), 401, ""));
    }

    @ParameterizedTest
    @MethodSource("badCredentials")
    void shouldRefuseAndWriteNothingWhenTheCredentialIsBad(String authorization, int status, String detail) {
        JsonPath answer = problem(post(PATH, outcome, authorization), status);

        assertThat(answer.getString("detail")).containsIgnoringCase(detail);
        assertThat(written(db, project)).allSatisfy((table, rows) -> assertThat(rows).as(table).isEmpty());
    }

    @Test
    void shouldRecordWhenTheServiceTokenIsValid() {
        post(PATH, outcome, bearer(TestTokens.service())).statusCode(200).body("duplicate", equalTo(false));

        // the same look-up that finds nothing above must find the run here, or those cases prove nothing
        Map<String, List<String>> rows = written(db, project);
        assertThat(rows.get("workflow_run_outcome_keys")).hasSize(1);
        assertThat(rows.get("workflow_run_outcomes")).hasSize(1);
        assertThat(rows.get("workflow_run_metrics")).hasSize(1);
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    /** The service claims with some replaced or added. */
    private static Map<String, Object> claims(Map<String, Object> changes) {
        Map<String, Object> claims = TestTokens.serviceClaims();
        claims.putAll(changes);
        return claims;
    }

    private static Map<String, Object> withoutExpiry() {
        Map<String, Object> claims = TestTokens.serviceClaims();
        claims.remove("exp");
        return claims;
    }

    /** What a user holding a genuine token might try: keep its signature, claim the service role. */
    private static String escalated() {
        List<String> user = List.of(TestTokens.user(UUID.randomUUID()).split("\\."));
        List<String> service = List.of(TestTokens.service().split("\\."));
        return user.get(0) + "." + service.get(1) + "." + user.get(2);
    }
}
