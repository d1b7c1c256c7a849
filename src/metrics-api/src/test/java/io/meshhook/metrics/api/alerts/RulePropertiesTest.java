package io.meshhook.metrics.api.alerts;

import static io.meshhook.metrics.api.alerts.AlertApi.RULES;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.api.UnlimitedRequests;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.Fuzz;
import io.meshhook.metrics.testing.TestDatabase;
import io.quarkus.logging.Log;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Properties of rule create and update over HTTP, for rule bodies derived from a valid one by jqwik-generated
 * mutations (every field set to random JSON, removed, or to hostile strings and numbers; broken JSON text; another
 * tenant's project): never a 500; 200/201, 400, 404, 413 (over 64 KiB) or 422 only; every refusal a problem body that changed no rule;
 * every accepted create made exactly one rule. (Seeded samples in a Jupiter test: see Fuzz for why.)
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
@TestProfile(UnlimitedRequests.class)
class RulePropertiesTest {

    private static final Set<Integer> EXPECTED = Set.of(200, 201, 400, 404, 413, 422);
    private static final List<String> FIELDS = List.of("projectId", "name", "workflowSlug", "metric", "operator",
            "threshold", "recoverThreshold", "window", "minRuns", "for", "repeatEvery", "notifyOnResolve", "emails",
            "webhookUrl", "slackUrl", "enabled", "id", "unknownField");

    @Test
    void shouldCreateExactlyTheAcceptedRulesAndChangeNothingForARefusedOne() {
        UUID user = UUID.randomUUID();
        TestDatabase db = DatabaseResource.database();
        UUID project = db.createProject(user, "rule properties");
        UUID stranger = db.createProject(UUID.randomUUID(), "someone else's");
        long seed = Fuzz.seed();
        Map<Integer, Integer> statuses = new TreeMap<>();

        for (Mutation mutation : Fuzz.samples(mutations(stranger), 100, seed)) {
            long before = rules(db, project);
            String body = mutation.body().apply(AlertApi.rule(project));

            Response response = AlertApi.as(user).body(body).when().post(RULES);

            String context = "seed " + seed + ", create with " + mutation.description() + ": " + body;
            statuses.merge(response.statusCode(), 1, Integer::sum);
            check(response, context);
            assertThat(rules(db, project)).as(context).isEqualTo(before + (response.statusCode() == 201 ? 1 : 0));
            assertThat(rules(db, stranger)).as(context).isZero();
        }
        Log.infof("seed %d: create statuses %s", seed, statuses);
        assertThat(statuses).as("seed %d: statuses answered", seed).containsKeys(201, 400, 422);
    }

    @Test
    void shouldUpdateOnlyWithAcceptedBodiesAndLeaveTheRuleAsItWasOtherwise() {
        UUID user = UUID.randomUUID();
        TestDatabase db = DatabaseResource.database();
        UUID project = db.createProject(user, "rule properties");
        UUID stranger = db.createProject(UUID.randomUUID(), "someone else's");
        String id = AlertApi.create(user, AlertApi.rule(project));
        long seed = Fuzz.seed();
        Map<Integer, Integer> statuses = new TreeMap<>();

        for (Mutation mutation : Fuzz.samples(mutations(stranger), 100, seed)) {
            String before = row(db, id);
            String body = mutation.body().apply(AlertApi.rule(project));

            Response response = AlertApi.as(user).body(body).when().put(RULES + "/" + id);

            String context = "seed " + seed + ", update with " + mutation.description() + ": " + body;
            statuses.merge(response.statusCode(), 1, Integer::sum);
            check(response, context);
            if (response.statusCode() != 200) {
                assertThat(row(db, id)).as(context).isEqualTo(before);
            }
            assertThat(rules(db, project)).as(context).isEqualTo(1);
        }
        Log.infof("seed %d: update statuses %s", seed, statuses);
        assertThat(statuses).as("seed %d: statuses answered", seed).containsKeys(200, 400, 422);
    }

    private static void check(Response response, String context) {
        assertThat(response.statusCode()).as("%s answered %s", context, response.asString()).isIn(EXPECTED);
        if (response.statusCode() >= 300) {
            assertThat(response.contentType()).as(context).startsWith("application/problem+json");
            assertThat(response.jsonPath().getInt("status")).as(context).isEqualTo(response.statusCode());
            assertThat(response.jsonPath().getString("type")).as(context).startsWith("/problems/");
            assertThat(response.jsonPath().getString("title")).as(context).isNotBlank();
            assertThat(response.asString()).as(context).doesNotContain("Exception", "SQLSTATE", "at io.");
        }
    }

    private static long rules(TestDatabase db, UUID project) {
        return db.scalar("select count(*) from alert_rules where project_id = ?", project);
    }

    private static String row(TestDatabase db, String id) {
        return (String) db.query("select to_jsonb(r)::text as row from alert_rules r where id = ?::uuid", id).get(0)
                .get("row");
    }

    /** What a try sends: a description and the body, made from a valid rule. */
    record Mutation(String description, java.util.function.Function<Map<String, Object>, String> body) {
    }

    private static Arbitrary<Mutation> mutations(UUID stranger) {
        Arbitrary<Map.Entry<String, Object>> change = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(FIELDS), Fuzz.jsonValues(2)).as(RulePropertiesTest::change),
                Combinators.combine(Arbitraries.of("threshold", "recoverThreshold", "minRuns", "window", "for",
                        "repeatEvery"), Fuzz.numbers()).as(RulePropertiesTest::change),
                Combinators.combine(Arbitraries.of("window", "for", "repeatEvery"), Arbitraries.of("PT5M", "PT1H",
                        "P7D", "P8D", "PT0S", "-PT1H", "PT4M59S", "P30D", "P31D", "PT1000000000H", "1h", "P1Y"))
                        .as(RulePropertiesTest::change),
                Combinators.combine(Arbitraries.of("name", "workflowSlug", "emails", "webhookUrl", "slackUrl",
                        "metric", "operator", "projectId"), Fuzz.strings()).as(RulePropertiesTest::change),
                Combinators.combine(Arbitraries.of("webhookUrl", "slackUrl"), Arbitraries.of("https://example.com/x",
                        "http://example.com/x", "ftp://example.com", "https://", "javascript:alert(1)",
                        "https://exa mple.com", "http://[::1]:99999/")).as(RulePropertiesTest::change),
                Arbitraries.just(change("projectId", stranger.toString())),
                Arbitraries.of(FIELDS).map(f -> change(f, REMOVE)));
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(new Mutation("nothing", Fuzz::json))),
                Tuple.of(8, change.list().ofMinSize(1).ofMaxSize(3).map(changes -> new Mutation(
                        changes.toString(), rule -> {
                            Map<String, Object> body = Fuzz.copy(rule);
                            for (Map.Entry<String, Object> c : changes) {
                                if (c.getValue() == REMOVE) {
                                    body.remove(c.getKey());
                                } else {
                                    body.put(c.getKey(), c.getValue());
                                }
                            }
                            return Fuzz.json(body);
                        }))),
                Tuple.of(1, Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.chars().all())
                        .as((where, c) -> new Mutation("text broken at " + where, rule -> {
                            String text = Fuzz.json(rule);
                            int at = (int) Math.min(text.length() - 1, Math.floor(where * text.length()));
                            return text.substring(0, at) + c + text.substring(at + 1);
                        }))),
                Tuple.of(1, Fuzz.jsonValues(2).map(v -> new Mutation("the body is another JSON value",
                        rule -> Fuzz.json(v)))));
    }

    /** A field and its new value (null included, which Map.entry refuses). */
    private static Map.Entry<String, Object> change(String field, Object value) {
        return new AbstractMap.SimpleImmutableEntry<>(field, value);
    }

    /** Marks a field to remove rather than set. */
    private static final Object REMOVE = new ArrayList<>(List.of("remove"));
}
