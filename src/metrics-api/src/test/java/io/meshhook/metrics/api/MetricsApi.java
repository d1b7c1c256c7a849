package io.meshhook.metrics.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.meshhook.metrics.api.RecordedRuns.Flow;
import io.meshhook.metrics.api.RecordedRuns.Run;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The tests' side of metrics-api: tenants, calls with a user's token, and the figures a list of runs must give,
 * computed here from the runs themselves (never by production code).
 */
final class MetricsApi {

    static final String SUMMARY = "/api/metrics/workflows/summary";
    /** The PRD's path form; append the id. */
    static final String WORKFLOW = "/api/metrics/workflow/";
    /** The funqy form, with {@code ?id=}. */
    static final String WORKFLOW_FUNQY = "/api/metrics/workflow";

    static final List<String> SORT_KEYS = List.of("failureRate", "successRate", "runs", "failures", "lastRun",
            "slug");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** A past period the tests record in: seven whole UTC days ending yesterday. */
    static final Instant FROM = LocalDate.now(ZoneOffset.UTC).minusDays(8).atStartOfDay(ZoneOffset.UTC).toInstant();
    static final Instant TO = FROM.plus(Duration.ofDays(7));
    /** The previous period is the seven days before FROM. */
    static final Instant PREVIOUS_FROM = FROM.minus(Duration.ofDays(7));

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsApi() {
    }

    /** A signed-in user with a project of their own. */
    record Tenant(UUID user, UUID project) {

        static Tenant create() {
            UUID user = UUID.randomUUID();
            return new Tenant(user, DatabaseResource.database().createProject(user, "project of " + user));
        }

        /** Another project of the same user. */
        UUID newProject() {
            return DatabaseResource.database().createProject(user, "another project of " + user);
        }

        Flow flow(String slug) {
            return Flow.create(project, slug);
        }

        /** A GET as this user; params are name, value pairs (a name may repeat). */
        Response get(String path, Object... params) {
            return request(TestTokens.user(user), path, params);
        }

        /** A GET as this user that must succeed: the JSON body. */
        JsonNode ok(String path, Object... params) {
            Response response = get(path, params);
            assertThat(response.statusCode()).as("%s %s", path, response.asString()).isEqualTo(200);
            assertThat(response.contentType()).startsWith("application/json");
            return json(response.asString());
        }
    }

    /** A GET with the given bearer token, or none when null. */
    static Response request(String token, String path, Object... params) {
        RequestSpecification spec = RestAssured.given();
        if (token != null) {
            spec.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < params.length; i += 2) {
            spec.queryParam(params[i].toString(), params[i + 1].toString());
        }
        return spec.when().get(path);
    }

    /** Asserts a problem response with the status and returns its body. */
    static JsonNode problem(Response response, int status) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode body = json(response.asString());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        return body;
    }

    /** The fields named by a problem's errors[]. */
    static List<String> errorFields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.get("field").asText()));
        return fields;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static OffsetDateTime time(JsonNode node) {
        return OffsetDateTime.parse(node.asText());
    }

    static Instant instant(JsonNode node) {
        return text(node) == null ? null : OffsetDateTime.parse(node.asText()).toInstant();
    }

    /** The text of a field, or null when it is null or absent. */
    static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    static Double number(JsonNode node) {
        return text(node) == null ? null : node.asDouble();
    }

    /** The workflow slugs of a summary, in the order listed. */
    static List<String> slugs(JsonNode summary) {
        List<String> slugs = new ArrayList<>();
        summary.get("workflows").forEach(w -> slugs.add(w.get("workflowSlug").asText()));
        return slugs;
    }

    /** The summary entry of one slug. */
    static JsonNode workflow(JsonNode summary, String slug) {
        for (JsonNode w : summary.get("workflows")) {
            if (w.get("workflowSlug").asText().equals(slug)) {
                return w;
            }
        }
        throw new AssertionError("no workflow " + slug + " in " + summary);
    }

    /** Runs by outcome, as the issue defines the rates: canceled runs are shown but not rated. */
    record Counts(long succeeded, long failed, long timedOut, long canceled) {

        static final Counts NONE = new Counts(0, 0, 0, 0);

        static Counts of(Collection<Run> runs) {
            return new Counts(count(runs, "succeeded"), count(runs, "failed"), count(runs, "timed_out"),
                    count(runs, "canceled"));
        }

        /** The runs counted by default (every trigger but test) that finished in [from, to). */
        static Counts in(Collection<Run> runs, Instant from, Instant to) {
            return of(runs.stream().filter(r -> r.counted() && r.within(from, to)).toList());
        }

        /** A series' points added up. */
        static Counts ofSeries(JsonNode series) {
            Counts sum = NONE;
            for (JsonNode p : series) {
                sum = new Counts(sum.succeeded + p.get("succeeded").asLong(), sum.failed + p.get("failed").asLong(),
                        sum.timedOut + p.get("timedOut").asLong(), sum.canceled + p.get("canceled").asLong());
            }
            return sum;
        }

        private static long count(Collection<Run> runs, String status) {
            return runs.stream().filter(r -> r.status().equals(status)).count();
        }

        long total() {
            return succeeded + failed + timedOut + canceled;
        }

        long rated() {
            return succeeded + failed + timedOut;
        }

        Double failureRate() {
            return rated() == 0 ? null : (double) (failed + timedOut) / rated();
        }

        Double successRate() {
            return rated() == 0 ? null : (double) succeeded / rated();
        }
    }

    /** Asserts counts, rates and the runs they are computed over (a Figures object or a series point). */
    static void assertCounts(JsonNode actual, Counts expected) {
        assertThat(actual.get("succeeded").asLong()).as("succeeded in %s", actual).isEqualTo(expected.succeeded());
        assertThat(actual.get("failed").asLong()).as("failed in %s", actual).isEqualTo(expected.failed());
        assertThat(actual.get("timedOut").asLong()).as("timedOut in %s", actual).isEqualTo(expected.timedOut());
        assertThat(actual.get("canceled").asLong()).as("canceled in %s", actual).isEqualTo(expected.canceled());
        assertThat(actual.get("total").asLong()).as("total in %s", actual).isEqualTo(expected.total());
        assertRate(actual.get("failureRate"), expected.failureRate());
        assertRate(actual.get("successRate"), expected.successRate());
        if (actual.has("ratedRuns")) {
            assertThat(actual.get("ratedRuns").asLong()).isEqualTo(expected.rated());
            assertThat(actual.get("failures").asLong()).isEqualTo(expected.failed() + expected.timedOut());
        }
    }

    static void assertRate(JsonNode actual, Double expected) {
        if (expected == null) {
            assertThat(actual == null || actual.isNull()).as("rate %s should be null", actual).isTrue();
        } else {
            assertThat(number(actual)).isCloseTo(expected, within(1e-9));
        }
    }

    /** A time in the period: day 0..6, hour 0..23, seven minutes past. */
    static Instant at(int day, int hour) {
        return FROM.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(7));
    }

    /** Noon of a day (0..6) of the previous period. */
    static Instant before(int day) {
        return PREVIOUS_FROM.plus(Duration.ofDays(day)).plus(Duration.ofHours(12));
    }

    /** The nearest-rank percentile of the durations (ms). */
    static long percentile(List<Long> durations, double p) {
        List<Long> sorted = durations.stream().sorted().toList();
        return sorted.get((int) Math.ceil(p * sorted.size()) - 1);
    }
}
