package io.meshhook.metrics.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.meshhook.metrics.api.RecordedRuns;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * The Alerts view in a real browser against the real alert API: rules are created and edited through the form,
 * the backtest runs on runs recorded through the real record path, and states and history rows are written the
 * way the evaluator writes them.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class AlertsViewTest {

    private static final Duration Q = Duration.ofMinutes(15);
    private static Browser browser;

    @TestHTTPResource("/")
    URL page;

    @Inject
    OutcomeRecorder recorder;

    @BeforeAll
    static void startBrowser() {
        browser = new Browser();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /**
     * order-sync 3 days ago: 10 successes per 15-minute bucket for 6 hours, and 10 failures more per bucket for
     * the 2 hours in the middle (50 % failing), as in BacktestTest: a failure rate above 30 % fires exactly once.
     */
    private void incidentThreeDaysAgo(DashboardTenant t) {
        long now = Instant.now().getEpochSecond();
        Instant b = Instant.ofEpochSecond(now - now % Q.toSeconds()).minus(Duration.ofDays(3));
        RecordedRuns runs = new RecordedRuns(recorder);
        UUID wf = UUID.randomUUID();
        for (int k = -8; k < 16; k++) {
            Instant bucket = b.plus(Q.multipliedBy(k));
            int failed = k >= 0 && k < 8 ? 10 : 0;
            for (int i = 0; i < 10 + failed; i++) {
                runs.run(t.project(), wf, "order-sync", i < 10 ? "succeeded" : "failed",
                        bucket.plusSeconds(60 + i * 10L));
            }
        }
        runs.record();
    }

    private static Map<String, Object> rule(UUID project, String name) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("projectId", project.toString());
        rule.put("name", name);
        rule.put("workflowSlug", "order-sync");
        rule.put("metric", "failureRate");
        rule.put("threshold", 0.2);
        rule.put("window", "PT1H");
        rule.put("emails", List.of("ops@example.com"));
        return rule;
    }

    private static String create(DashboardTenant t, Map<String, Object> rule) {
        return RestAssured.given().header("Authorization", "Bearer " + t.token()).contentType(ContentType.JSON)
                .body(rule).when().post("/api/alerts/rules").then().statusCode(201).extract().path("id");
    }

    private void openAlerts(DashboardTenant t, String extra) {
        browser.open(page.toString(), "view=alerts" + extra, t.token());
    }

    @SuppressWarnings("unchecked")
    private List<String> ruleNames() {
        return (List<String>) browser.script("return [...document.querySelectorAll('#alert-rules tbody tr')]"
                + ".map(r => r.dataset.name)");
    }

    private WebElement field(String name) {
        return browser.driver.findElement(By.id("rule-" + name));
    }

    private void type(String name, String text) {
        WebElement input = field(name);
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    /** The form's project list is filled from the live stream's ready event. */
    private void awaitForm(DashboardTenant t) {
        browser.waitFor(d -> t.project().toString().equals(browser.script(
                "const s = document.getElementById('rule-projectId'); return s ? s.value : null;")));
    }

    @Test
    void shouldCreateARuleThroughTheFormAfterShowingHowOftenItWouldHaveFired() {
        DashboardTenant t = DashboardTenant.create("create");
        incidentThreeDaysAgo(t);
        browser.open(page.toString(), "", t.token());
        // from the top bar, by keyboard
        browser.waitFor(d -> !browser.all("#nav-alerts").isEmpty() && browser.all("#nav-alerts").get(0).isDisplayed());
        browser.driver.findElement(By.id("nav-alerts")).sendKeys(Keys.ENTER);
        browser.waitFor(d -> browser.textOrNull("#alert-rules .state.empty h2") != null);
        assertThat(browser.text("#alert-rules .state.empty h2")).isEqualTo("No alert rules yet");
        assertThat(browser.driver.getCurrentUrl()).contains("view=alerts");
        assertThat(browser.text("#firing-count")).isEqualTo("Nothing firing");

        browser.driver.findElement(By.id("new-rule")).click();
        awaitForm(t);
        assertThat(browser.driver.getCurrentUrl()).contains("rule=new");
        type("name", "Order sync failing");
        type("threshold", "30");
        type("emails", "ops@example.com");
        browser.waitFor(d -> String.valueOf(browser.textOrNull("#backtest-result"))
                .startsWith("Would have fired 1 time in the last 30 days"), Duration.ofSeconds(10));
        assertThat(browser.all("#backtest-fired li")).hasSize(1);
        assertThat(browser.text("#backtest-fired li")).contains("order-sync").contains("peak 50.0%");
        browser.screenshot("alert-editor");

        // a stricter threshold is backtested again while typing
        type("threshold", "60");
        browser.waitFor(d -> String.valueOf(browser.textOrNull("#backtest-result"))
                .startsWith("Would have fired 0 times"));

        type("threshold", "30");
        browser.driver.findElement(By.id("save-rule")).click();
        browser.waitFor(d -> ruleNames().equals(List.of("Order sync failing")));
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("rule=");
        assertThat(browser.text("#alert-rules tbody tr .condition")).isEqualTo("Failure rate above 30.0% over 1 h");
        Map<String, Object> stored = DatabaseResource.database().query(
                "select threshold, workflow_slug, window_seconds, emails::text as emails from alert_rules"
                        + " where project_id = ?",
                t.project()).get(0);
        assertThat(((Number) stored.get("threshold")).doubleValue()).isEqualTo(0.3); // percent in, fraction out
        assertThat(stored.get("workflow_slug")).isNull(); // empty slug = all workflows
        assertThat(stored.get("window_seconds")).isEqualTo(3600);
        assertThat(stored.get("emails")).isEqualTo("{ops@example.com}");

        // edit: the form opens with the rule's values (in percent) and saves a replacement
        browser.driver.findElement(By.cssSelector("#alert-rules a.rule-link")).click();
        browser.waitFor(d -> !browser.all("#rule-threshold").isEmpty());
        assertThat(field("threshold").getAttribute("value")).isEqualTo("30");
        browser.waitFor(
                d -> String.valueOf(browser.textOrNull("#backtest-result")).startsWith("Would have fired 1 time"));
        type("name", "Order sync failing badly");
        browser.driver.findElement(By.id("save-rule")).click();
        browser.waitFor(d -> ruleNames().equals(List.of("Order sync failing badly")));

        // consecutiveFailures cannot be replayed from rollups: the page says so instead of a number
        browser.driver.findElement(By.id("new-rule")).click();
        awaitForm(t);
        new Select(field("metric")).selectByValue("consecutiveFailures");
        type("threshold", "3");
        browser.waitFor(d -> String.valueOf(browser.textOrNull("#backtest-result")).contains("can’t be backtested"));
    }

    @Test
    void shouldShowTheServersValidationErrorAtTheFieldAndTheWebhookSecretOnce() {
        DashboardTenant t = DashboardTenant.create("validation");
        openAlerts(t, "&rule=new");
        awaitForm(t);
        type("name", "Too much");
        type("threshold", "150");
        type("emails", "ops@example.com");
        browser.driver.findElement(By.id("save-rule")).click();
        browser.waitFor(d -> !String.valueOf(browser.textOrNull("#err-threshold")).isEmpty()
                && browser.textOrNull("#err-threshold") != null);
        assertThat(browser.text("#err-threshold")).isEqualTo("must be between 0% and 100%");
        assertThat(field("threshold").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field("threshold").getAttribute("aria-describedby")).contains("err-threshold");
        assertThat(DatabaseResource.database().scalar("select count(*) from alert_rules where project_id = ?",
                t.project())).isZero();

        // fixed, and with a webhook: the secret is shown once, with a copy button
        type("threshold", "15");
        type("webhookUrl", "https://example.com/hooks/alerts");
        browser.driver.findElement(By.id("save-rule")).click();
        browser.waitFor(d -> browser.textOrNull("#secret-card") != null);
        assertThat(browser.text("#secret-card")).contains("you won’t see it again");
        assertThat(browser.driver.findElement(By.id("webhook-secret")).getAttribute("value")).startsWith("whsec_");
        assertThat(browser.all("#copy-secret")).hasSize(1);
        assertThat(ruleNames()).containsExactly("Too much");
        browser.driver.navigate().refresh();
        browser.waitFor(d -> ruleNames().equals(List.of("Too much")));
        assertThat(browser.all("#secret-card")).isEmpty();
    }

    @Test
    void shouldDeleteARuleOnlyAfterConfirmation() {
        DashboardTenant t = DashboardTenant.create("delete");
        create(t, rule(t.project(), "Keep me"));
        create(t, rule(t.project(), "Delete me"));
        openAlerts(t, "");
        browser.waitFor(d -> ruleNames().size() == 2);

        browser.driver.findElement(By.cssSelector("#alert-rules tr[data-name='Delete me'] [data-action=delete]"))
                .click();
        browser.waitFor(d -> browser.textOrNull("#confirm-delete[open] h2") != null);
        assertThat(browser.text("#confirm-delete h2")).isEqualTo("Delete “Delete me”?");
        browser.driver.findElement(By.id("confirm-cancel")).click(); // cancel keeps it
        browser.waitFor(d -> browser.all("#confirm-delete").isEmpty());
        assertThat(ruleNames()).containsExactlyInAnyOrder("Keep me", "Delete me");

        browser.driver.findElement(By.cssSelector("#alert-rules tr[data-name='Delete me'] [data-action=delete]"))
                .click();
        browser.waitFor(d -> browser.textOrNull("#confirm-delete[open] h2") != null);
        browser.driver.findElement(By.id("confirm-delete-btn")).click();
        browser.waitFor(d -> ruleNames().equals(List.of("Keep me")));
        assertThat(DatabaseResource.database().scalar("select count(*) from alert_rules where project_id = ?",
                t.project())).isEqualTo(1);
    }

    @Test
    void shouldShowFiringAlertsFirstAndTheHistoryAndSnoozeDisableARule() {
        DashboardTenant t = DashboardTenant.create("states");
        String quiet = create(t, rule(t.project(), "Quiet rule"));
        String loud = create(t, rule(t.project(), "Checkout failing"));
        var db = DatabaseResource.database();
        db.execute("insert into alert_states (project_id, rule_id, workflow_slug, state, state_since, last_value,"
                + " last_runs, last_evaluated_at) values (?, ?, 'order-sync', 'ok', now() - interval '2 days', 0.01,"
                + " 120, now())", t.project(), UUID.fromString(quiet));
        db.execute("insert into alert_states (project_id, rule_id, workflow_slug, state, state_since, firing_since,"
                + " last_value, last_runs, last_evaluated_at) values (?, ?, 'checkout', 'firing',"
                + " now() - interval '25 minutes', now() - interval '25 minutes', 0.42, 60, now())", t.project(),
                UUID.fromString(loud));
        db.execute("insert into alert_events (project_id, rule_id, workflow_slug, kind, from_state, to_state,"
                + " occurred_at, value, threshold, runs, failures) values (?, ?, 'checkout', 'transition', 'ok',"
                + " 'firing', '2026-01-15T09:30:00Z', 0.42, 0.2, 60, 25)", t.project(), UUID.fromString(loud));
        db.execute("insert into alert_events (project_id, rule_id, workflow_slug, kind, from_state, to_state,"
                + " occurred_at) values (?, ?, 'checkout', 'delivery_failed', null, 'firing',"
                + " '2026-01-15T09:31:00Z')", t.project(), UUID.fromString(loud));

        openAlerts(t, "&tz=Asia/Tokyo");
        browser.waitFor(d -> browser.all("#alert-states tbody tr").size() == 2);
        List<WebElement> rows = browser.all("#alert-states tbody tr");
        assertThat(rows.get(0).getAttribute("data-state")).isEqualTo("firing");
        assertThat(rows.get(0).getText()).contains("Firing").contains("Checkout failing").contains("42.0%");
        assertThat(rows.get(1).getAttribute("data-state")).isEqualTo("ok");
        assertThat(browser.text("#firing-count")).isEqualTo("1 firing");
        // newest first, in the chosen zone (09:30 UTC is 18:30 in Tokyo)
        List<WebElement> events = browser.all("#alert-events tbody tr");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getAttribute("data-kind")).isEqualTo("delivery_failed");
        assertThat(events.get(1).findElement(By.cssSelector(".time")).getText()).contains("6:30");
        assertThat(events.get(1).getText()).contains("OK").contains("Firing");

        String row = "#alert-rules tr[data-name='Checkout failing'] ";
        browser.driver.findElement(By.cssSelector(row + "[data-action=snooze-4h]")).click();
        browser.waitFor(d -> String.valueOf(browser.textOrNull(row + "td:nth-child(4)")).startsWith("Snoozed until"));
        assertThat(db.scalar("select extract(epoch from snoozed_until - now())::bigint from alert_rules where id = ?",
                UUID.fromString(loud))).isBetween(4 * 3600L - 120, 4 * 3600L);
        browser.screenshot("alerts");
        browser.driver.findElement(By.cssSelector(row + "[data-action=unsnooze]")).click();
        browser.waitFor(d -> "Enabled".equals(browser.textOrNull(row + "td:nth-child(4)")));
        browser.driver.findElement(By.cssSelector(row + "[data-action=disable]")).click();
        browser.waitFor(d -> "Disabled".equals(browser.textOrNull(row + "td:nth-child(4)")));
        assertThat(db.query("select enabled from alert_rules where id = ?", UUID.fromString(loud)).get(0)
                .get("enabled")).isEqualTo(false);
        // by keyboard: Enter on the button, and focus stays on it after the row is drawn again
        browser.driver.findElement(By.cssSelector(row + "[data-action=enable]")).sendKeys(Keys.ENTER);
        browser.waitFor(d -> "Enabled".equals(browser.textOrNull(row + "td:nth-child(4)")));
        browser.waitFor(d -> "disable".equals(browser.script("return document.activeElement.dataset.action")));

        // the overview marks the workflow whose alert fires, and only that one
        new RecordedRuns(recorder)
                .run(t.project(), UUID.randomUUID(), "checkout", "failed", Instant.now().minusSeconds(60))
                .run(t.project(), UUID.randomUUID(), "order-sync", "succeeded", Instant.now().minusSeconds(60))
                .record();
        browser.driver.findElement(By.cssSelector("#tabs [data-tab=overview]")).click();
        browser.waitFor(d -> browser.slugs().size() == 2);
        browser.waitFor(
                d -> !browser.all("#workflows tr[data-slug=checkout] .alert-badge [data-state=firing]").isEmpty());
        assertThat(browser.all("#workflows tr[data-slug=order-sync] .alert-badge")).isEmpty();
        browser.driver.navigate().back();
        browser.waitFor(d -> browser.all("#alert-states tbody tr").size() == 2);

        // dark theme and phone width, for a look
        browser.driver.findElement(By.id("theme")).click();
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        browser.screenshot("alerts-phone-dark");
        browser.driver.findElement(By.id("theme")).click();
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1360, 1000));
    }

    @Test
    void shouldNeverShowAnotherTenantsRulesStatesOrHistory() {
        DashboardTenant a = DashboardTenant.create("tenant A");
        DashboardTenant b = DashboardTenant.create("tenant B");
        create(a, rule(a.project(), "A watches order-sync"));
        String bRule = create(b, rule(b.project(), "B-secret-payroll-rule"));
        var db = DatabaseResource.database();
        db.execute("insert into alert_states (project_id, rule_id, workflow_slug, state, state_since, last_value,"
                + " last_runs, last_evaluated_at) values (?, ?, 'b-secret-payroll', 'firing', now(), 0.9, 50, now())",
                b.project(), UUID.fromString(bRule));
        db.execute("insert into alert_events (project_id, rule_id, workflow_slug, kind, from_state, to_state,"
                + " occurred_at) values (?, ?, 'b-secret-payroll', 'transition', 'ok', 'firing', now())", b.project(),
                UUID.fromString(bRule));

        openAlerts(a, "");
        browser.waitFor(d -> ruleNames().equals(List.of("A watches order-sync")));
        assertThat(browser.text("#firing-count")).isEqualTo("Nothing firing");
        assertThat(browser.driver.getPageSource()).doesNotContain("B-secret").doesNotContain("b-secret")
                .doesNotContain(b.project().toString()).doesNotContain(bRule);

        // not even when A opens B's rule by its id
        openAlerts(a, "&rule=" + bRule);
        browser.waitFor(d -> browser.textOrNull(".state.empty h2") != null);
        assertThat(browser.text(".state.empty h2")).isEqualTo("Alert rule not found");
        assertThat(browser.driver.getPageSource()).doesNotContain("B-secret");

        openAlerts(b, "");
        browser.waitFor(d -> ruleNames().equals(List.of("B-secret-payroll-rule")));
        assertThat(browser.text("#firing-count")).isEqualTo("1 firing");
        assertThat(browser.driver.getPageSource()).doesNotContain("A watches");
    }
}
