package io.meshhook.metrics.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.RecordedRuns;
import io.meshhook.metrics.api.UnlimitedRequests;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.MultiMap;

/**
 * Cursors over HTTP: one signed by the application's own key for exactly this listing is followed (the control),
 * the same cursor signed with any other key is a 400, and so is the real cursor with any one character changed.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(UnlimitedRequests.class)
class CursorTamperingTest {

    private static final String SUMMARY = "/api/metrics/workflows/summary";
    private static final Instant FROM = LocalDate.now(ZoneOffset.UTC).minusDays(8).atStartOfDay(ZoneOffset.UTC)
            .toInstant();
    private static final Instant TO = FROM.plus(Duration.ofDays(7));

    @Inject
    OutcomeRecorder recorder;
    @Inject
    QueryParser parser;
    @Inject
    Cursors cursors;

    @Test
    void shouldFollowOnlyACursorSignedWithTheApplicationsKeyAndUnchanged() {
        UUID user = UUID.randomUUID();
        UUID project = DatabaseResource.database().createProject(user, "cursors");
        RecordedRuns runs = new RecordedRuns(recorder);
        for (String slug : List.of("alpha", "beta", "gamma")) {
            runs.run(project, UUID.randomUUID(), slug, "succeeded", FROM.plus(Duration.ofHours(30)));
        }
        runs.record();
        String[] listing = {"from", FROM.toString(), "to", TO.toString(), "sort", "slug", "order", "asc", "limit",
                "1"};
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < listing.length; i += 2) {
            params.add(listing[i], listing[i + 1]);
        }
        MetricsQuery query = parser.summary(params, Instant.now());

        String own = cursors.next(query, 2);
        assertThat(slugs(get(user, listing, own))).as("the control: our key, this listing").containsExactly("gamma");
        assertThat(slugs(get(user, listing, cursors.next(query, 99_999_999)))).as("past the end").isEmpty();

        for (String key : List.of("local-cursor-secret ", "another deployment's secret", TestTokens.SECRET)) {
            String forged = new Cursors(key).next(query, 2);
            assertRefused(get(user, listing, forged), "signed with '" + key + "'");
        }
        List<String> tampered = new ArrayList<>();
        for (int at = 0; at < own.length(); at++) {
            char c = own.charAt(at);
            tampered.add(own.substring(0, at) + (c == 'A' ? 'B' : 'A') + own.substring(at + 1));
        }
        tampered.add(own.substring(0, own.length() - 1));
        tampered.add(own + "A");
        for (String cursor : tampered) {
            assertRefused(get(user, listing, cursor), cursor);
        }
    }

    private static Response get(UUID user, String[] listing, String cursor) {
        var request = RestAssured.given().header("Authorization", "Bearer " + TestTokens.user(user));
        for (int i = 0; i < listing.length; i += 2) {
            request.queryParam(listing[i], listing[i + 1]);
        }
        return request.queryParam("cursor", cursor).when().get(SUMMARY);
    }

    private static List<String> slugs(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        return JsonPath.from(response.asString()).getList("workflows.workflowSlug", String.class);
    }

    private static void assertRefused(Response response, String what) {
        assertThat(response.statusCode()).as("%s: %s", what, response.asString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(JsonPath.from(response.asString()).getList("errors.field", String.class)).as(what)
                .containsExactly("cursor");
    }
}
