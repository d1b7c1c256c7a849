package io.meshhook.metrics.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeEach;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestDatabase;
import io.meshhook.metrics.testing.TestTokens;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * What every alert scenario needs: a fresh project and clean alert tables, a clock at a whole hour, runs recorded
 * through the real recorder, rules inserted as the service, the evaluator called like an external scheduler, and
 * independent readers of what the SMTP server and the webhook receiver got.
 */
abstract class AlertScenario {

    static final String SLUG = "order-sync";
    static final String EMAIL = "oncall@example.com";
    static final String DASHBOARD = "https://dash.example/alerts";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    MutableClock clock;
    @Inject
    OutcomeRecorder recorder;

    TestDatabase db;
    UUID project;
    final Map<String, UUID> workflows = new java.util.HashMap<>();
    WebhookReceiver hooks;
    String hookPath;
    String secret;

    @BeforeEach
    void freshScenario() throws Exception {
        db = DatabaseResource.database();
        db.execute("delete from alert_rules"); // states, events and notifications go with them
        project = db.createProject(UUID.randomUUID(), "alerts");
        workflows.clear();
        clock.set(Instant.now().truncatedTo(ChronoUnit.HOURS));
        hooks = WebhookReceiver.get();
        hooks.reset();
        hookPath = "/hook/" + UUID.randomUUID();
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        MailResource.smtp().purgeEmailFromAllMailboxes();
    }

    /** A failure-rate rule on the scenario's workflow: above 50 % over 1 h, at least 4 runs, mail and webhook. */
    RuleBuilder rule() {
        return new RuleBuilder(db, project).workflow(SLUG).emails(EMAIL).webhook(hooks.url(hookPath), secret);
    }

    /** Records runs of the scenario's workflow that finished {@code ago} before the clock's now. */
    void record(String status, int count, Duration ago) {
        record(SLUG, "webhook", status, count, ago);
    }

    /** Records runs of any workflow of the project (one workflow id per slug) with the given trigger. */
    void record(String slug, String trigger, String status, int count, Duration ago) {
        UUID workflow = workflows.computeIfAbsent(slug, ignored -> UUID.randomUUID());
        ObjectNode body = JSON.createObjectNode();
        ArrayNode outcomes = body.putArray("outcomes");
        Instant finished = clock.instant().minus(ago);
        for (int i = 0; i < count; i++) {
            outcomes.addObject().put("runId", UUID.randomUUID().toString()).put("projectId", project.toString())
                    .put("workflowId", workflow.toString()).put("workflowSlug", slug).put("workflowVersion", 1)
                    .put("status", status).put("startedAt", finished.minusSeconds(2).toString())
                    .put("finishedAt", finished.toString()).put("trigger", trigger);
        }
        recorder.recordBatch(body).await().atMost(Duration.ofSeconds(30));
    }

    /** Calls evaluateThresholds as the external scheduler does and returns its answer. */
    static JsonPath evaluate() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.service())
                .post("/evaluateThresholds").then().statusCode(200).extract().jsonPath();
    }

    void advance(Duration duration) {
        clock.advance(duration);
    }

    String state() {
        List<Map<String, Object>> rows = db.query("select state from alert_states where project_id = ?", project);
        assertThat(rows).hasSize(1);
        return (String) rows.get(0).get("state");
    }

    /** The state of each workflow the project's rule watches. */
    Map<String, Object> states() {
        Map<String, Object> states = new java.util.TreeMap<>();
        db.query("select workflow_slug, state from alert_states where project_id = ?", project)
                .forEach(row -> states.put((String) row.get("workflow_slug"), row.get("state")));
        return states;
    }

    List<Map<String, Object>> events(String kind) {
        return db.query("select * from alert_events where project_id = ? and kind = ? order by occurred_at, id",
                project, kind);
    }

    Map<String, Object> notification(String channel) {
        List<Map<String, Object>> rows = db.query("select * from alert_notifications where project_id = ?"
                + " and channel = ? order by created_at desc", project, channel);
        assertThat(rows).isNotEmpty();
        return rows.get(0);
    }

    static MimeMessage[] mails() {
        return MailResource.smtp().getReceivedMessages();
    }

    List<WebhookReceiver.Received> webhooks() {
        return hooks.at(hookPath);
    }

    /** Checks the Standard Webhooks signature independently of the code under test. */
    void assertSigned(WebhookReceiver.Received hook) throws GeneralSecurityException {
        String id = hook.headers().get("webhook-id");
        String timestamp = hook.headers().get("webhook-timestamp");
        assertThat(id).isNotBlank();
        assertThat(timestamp).matches("[0-9]{10}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + hook.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(hook.headers().get("webhook-signature")).isEqualTo("v1," + expected);
    }

    static JsonPath json(WebhookReceiver.Received hook) {
        return JsonPath.from(hook.body());
    }

    /** The decoded text of every part of a mail (the text and the HTML body), as sent. */
    static List<String> rawBodies(MimeMessage message) throws Exception {
        List<String> texts = new ArrayList<>();
        collect(message, texts);
        return texts;
    }

    /** The bodies as a reader sees them: HTML tags dropped (a link's address kept), entities decoded, one line. */
    static List<String> bodies(MimeMessage message) throws Exception {
        return rawBodies(message).stream()
                .map(body -> body.replaceAll("<a href=\"([^\"]*)\">", " $1 ").replaceAll("<[^>]+>", " ")
                        .replace("&amp;", "&").replaceAll("\\s+", " ").trim())
                .toList();
    }

    private static void collect(Part part, List<String> texts) throws Exception {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, texts);
            }
        } else if (content instanceof String text) {
            texts.add(text);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** A timestamptz column as JDBC returns it. */
    static Instant instant(Object column) {
        return ((java.sql.Timestamp) column).toInstant();
    }
}
