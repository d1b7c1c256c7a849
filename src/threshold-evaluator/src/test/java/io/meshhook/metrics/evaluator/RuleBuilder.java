package io.meshhook.metrics.evaluator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.meshhook.metrics.testing.TestDatabase;

/** Inserts an alert rule as the service would find it, with the defaults most scenarios share. */
final class RuleBuilder {

    private final TestDatabase db;
    private final UUID project;
    private String workflow;
    private String metric = "failureRate";
    private String operator = "above";
    private double threshold = 0.5;
    private Double recover;
    private int windowSeconds = 3600;
    private int minRuns = 4;
    private int forSeconds;
    private int repeatSeconds = 14_400;
    private boolean notifyOnResolve = true;
    private String emails = "{}";
    private String webhookUrl;
    private String webhookSecret;
    private Instant snoozedUntil;
    private String slackUrl;

    RuleBuilder(TestDatabase db, UUID project) {
        this.db = db;
        this.project = project;
    }

    RuleBuilder workflow(String slug) {
        workflow = slug;
        return this;
    }

    RuleBuilder metric(String name, String op, double value) {
        metric = name;
        operator = op;
        threshold = value;
        return this;
    }

    RuleBuilder recoverAt(double value) {
        recover = value;
        return this;
    }

    RuleBuilder window(int seconds) {
        windowSeconds = seconds;
        return this;
    }

    RuleBuilder minRuns(int runs) {
        minRuns = runs;
        return this;
    }

    RuleBuilder holdFor(int seconds) {
        forSeconds = seconds;
        return this;
    }

    RuleBuilder repeatEvery(int seconds) {
        repeatSeconds = seconds;
        return this;
    }

    RuleBuilder emails(String... addresses) {
        emails = "{" + String.join(",", addresses) + "}";
        return this;
    }

    RuleBuilder webhook(String url, String secret) {
        webhookUrl = url;
        webhookSecret = secret;
        return this;
    }

    RuleBuilder slack(String url) {
        slackUrl = url;
        return this;
    }

    RuleBuilder snoozedUntil(Instant until) {
        snoozedUntil = until;
        return this;
    }

    UUID insert() {
        UUID id = UUID.randomUUID();
        db.execute("""
                insert into alert_rules (project_id, id, name, workflow_slug, metric, operator, threshold,
                    recover_threshold, window_seconds, min_runs, for_seconds, repeat_every_seconds,
                    notify_on_resolve, emails, webhook_url, webhook_secret, slack_url, snoozed_until)
                values (?, ?, ?, ?, ?, ?, ?, ?::double precision, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?::timestamptz)
                """, project, id, "order-sync failing", workflow, metric, operator, threshold, recover,
                windowSeconds, minRuns, forSeconds, repeatSeconds, notifyOnResolve, emails, webhookUrl,
                webhookSecret, slackUrl,
                snoozedUntil == null ? null : OffsetDateTime.ofInstant(snoozedUntil, ZoneOffset.UTC));
        return id;
    }
}
