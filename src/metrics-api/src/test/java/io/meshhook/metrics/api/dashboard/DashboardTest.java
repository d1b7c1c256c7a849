package io.meshhook.metrics.api.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import io.meshhook.metrics.api.RecordedRuns;
import io.meshhook.metrics.api.live.CountersListener;
import io.meshhook.metrics.data.outcome.OutcomeRecorder;
import io.meshhook.metrics.testing.DatabaseResource;
import io.meshhook.metrics.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard in a real browser against the real metrics-api and a test database: runs are recorded through
 * the real record path, and the page must show what the test computed on its own.
 */
@QuarkusTest
@QuarkusTestResource(DatabaseResource.class)
class DashboardTest {

    private static Browser browser;

    @TestHTTPResource("/")
    URL page;

    @Inject
    OutcomeRecorder recorder;

    @Inject
    CountersListener listener;

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

    /** alpha 3 ok + 1 failed; beta 1 ok, 1 failed, 1 timed out, 1 canceled; gamma 4 ok. */
    private Map<String, UUID> threeWorkflows(DashboardTenant t) {
        Map<String, UUID> ids = Map.of("alpha", UUID.randomUUID(), "beta", UUID.randomUUID(), "gamma",
                UUID.randomUUID());
        Instant at = Instant.now().minus(3, ChronoUnit.HOURS);
        RecordedRuns runs = new RecordedRuns(recorder);
        for (String status : List.of("succeeded", "succeeded", "succeeded", "failed")) {
            runs.run(t.project(), ids.get("alpha"), "alpha", status, at = at.plusSeconds(30));
        }
        for (String status : List.of("succeeded", "failed", "timed_out", "canceled")) {
            runs.run(t.project(), ids.get("beta"), "beta", status, at = at.plusSeconds(30));
        }
        for (int i = 0; i < 4; i++) {
            runs.run(t.project(), ids.get("gamma"), "gamma", "succeeded", at = at.plusSeconds(30));
        }
        runs.record();
        return ids;
    }

    private void awaitTable(List<String> slugs) {
        browser.waitFor(d -> browser.slugs().equals(slugs));
    }

    @Test
    void shouldShowTheAggregateAndEachWorkflowsRatesWhenRunsWereRecorded() {
        DashboardTenant t = DashboardTenant.create("rates");
        threeWorkflows(t);

        browser.open(page.toString(), "", t.token());

        // failed and timed out count as failures; canceled is counted but not rated
        awaitTable(List.of("beta", "alpha", "gamma"));
        assertThat(browser.text("#kpi-failure .value")).isEqualTo("27.3%"); // 3 of 11
        assertThat(browser.text("#kpi-success .value")).isEqualTo("72.7%"); // 8 of 11
        assertThat(browser.text("#kpi-runs .value")).isEqualTo("12");
        assertThat(browser.cell("alpha", "failure-rate")).isEqualTo("25.0%");
        assertThat(browser.cell("alpha", "success-rate")).isEqualTo("75.0%");
        assertThat(browser.cell("beta", "failure-rate")).isEqualTo("66.7%");
        assertThat(browser.cell("beta", "runs")).isEqualTo("4");
        assertThat(browser.cell("gamma", "failure-rate")).isEqualTo("0.0%");
        assertThat(browser.text("#nav-alerts")).isEqualTo("Alerts"); // the alerts view is one tab away

        // a custom range of whole days (the last one included) in the chosen zone gives the same figures
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        browser.open(page.toString(), "from=" + today.minusDays(2) + "&to=" + today + "&tz=UTC", t.token());
        awaitTable(List.of("beta", "alpha", "gamma"));
        assertThat(browser.text("#kpi-failure .value")).isEqualTo("27.3%");
        assertThat(browser.text(".segmented [aria-pressed=true]")).isEqualTo("Custom");
        assertThat(browser.driver.findElement(By.id("to")).getAttribute("value")).isEqualTo(today.toString());
    }

    @Test
    void shouldReorderTheRowsAndKeepTheOrderInTheUrlWhenAColumnIsSorted() {
        DashboardTenant t = DashboardTenant.create("sorting");
        threeWorkflows(t);
        browser.open(page.toString(), "", t.token());
        awaitTable(List.of("beta", "alpha", "gamma"));

        browser.driver.findElement(By.cssSelector("button[data-sort=failureRate]")).click();
        awaitTable(List.of("gamma", "alpha", "beta"));
        assertThat(browser.driver.getCurrentUrl()).contains("sort=failureRate").contains("order=asc");

        // by keyboard: a sort control is a button, so Enter works like a click
        browser.driver.findElement(By.cssSelector("button[data-sort=slug]")).sendKeys(Keys.ENTER);
        awaitTable(List.of("alpha", "beta", "gamma"));
        browser.driver.findElement(By.cssSelector("button[data-sort=slug]")).click();
        awaitTable(List.of("gamma", "beta", "alpha"));
        assertThat(browser.driver.getCurrentUrl()).contains("sort=slug").contains("order=desc");

        // the view is in the URL: a reload shows the same order
        browser.driver.navigate().refresh();
        awaitTable(List.of("gamma", "beta", "alpha"));
    }

    @Test
    void shouldNarrowTheTableWhenSearching() {
        DashboardTenant t = DashboardTenant.create("search");
        threeWorkflows(t);
        browser.open(page.toString(), "", t.token());
        awaitTable(List.of("beta", "alpha", "gamma"));

        browser.driver.findElement(By.id("q")).sendKeys("ALP");
        awaitTable(List.of("alpha"));
        assertThat(browser.driver.getCurrentUrl()).contains("q=ALP");

        browser.driver.findElement(By.id("q")).sendKeys("-none");
        browser.waitFor(d -> browser.textOrNull(".state.empty h2") != null);
        assertThat(browser.text(".state.empty h2")).isEqualTo("No workflows match these filters");
    }

    @Test
    void shouldShowANewOutcomeWithoutReloadWithinTwoSeconds() {
        DashboardTenant t = DashboardTenant.create("live");
        Map<String, UUID> ids = threeWorkflows(t);
        browser.open(page.toString(), "", t.token());
        awaitTable(List.of("beta", "alpha", "gamma"));
        assertThat(browser.cell("gamma", "runs")).isEqualTo("4");
        // the page must be listening before the run is recorded (notifications are not replayed)
        browser.waitFor(d -> "live".equals(browser.script("return document.getElementById('live').dataset.state")));
        browser.waitFor(d -> listener.listening());
        assertThat(browser.text("#live")).isEqualTo("Live");
        browser.script("window.__notReloaded = true");

        new RecordedRuns(recorder).run(t.project(), ids.get("gamma"), "gamma", "failed", Instant.now().minusSeconds(5))
                .record();
        long recordedAt = System.nanoTime();

        browser.waitFor(d -> "5".equals(browser.cell("gamma", "runs")), Duration.ofSeconds(2));
        long tookMs = (System.nanoTime() - recordedAt) / 1_000_000;
        assertThat(tookMs).isLessThan(2000);
        assertThat(browser.cell("gamma", "failure-rate")).isEqualTo("20.0%");
        assertThat(browser.text("#kpi-runs .value")).isEqualTo("13");
        assertThat(browser.script("return window.__notReloaded === true")).isEqualTo(true);
    }

    @Test
    void shouldPageThroughWorkflowsWithTheServersCursorAndKeepThePageInTheUrl() {
        DashboardTenant t = DashboardTenant.create("paging");
        RecordedRuns runs = new RecordedRuns(recorder);
        Instant at = Instant.now().minus(2, ChronoUnit.HOURS);
        for (int i = 0; i < 27; i++) {
            runs.run(t.project(), UUID.randomUUID(), String.format("wf-%02d", i), "succeeded", at.plusSeconds(i));
        }
        runs.record();
        List<String> firstPage = java.util.stream.IntStream.range(0, 25).mapToObj(i -> String.format("wf-%02d", i))
                .toList();

        browser.open(page.toString(), "sort=slug", t.token());
        awaitTable(firstPage);
        browser.driver.findElement(By.id("next-page")).click();
        awaitTable(List.of("wf-25", "wf-26"));
        assertThat(browser.driver.getCurrentUrl()).contains("cursor=");
        assertThat(browser.driver.findElement(By.id("next-page")).isEnabled()).isFalse();

        browser.driver.navigate().refresh();
        awaitTable(List.of("wf-25", "wf-26"));
        browser.driver.navigate().back();
        awaitTable(firstPage);
    }

    @Test
    void shouldReFetchWhatWasMissedWhenTheServersListenConnectionWasLost() {
        DashboardTenant t = DashboardTenant.create("resync");
        Map<String, UUID> ids = threeWorkflows(t);
        browser.open(page.toString(), "", t.token());
        awaitTable(List.of("beta", "alpha", "gamma"));
        browser.waitFor(d -> "live".equals(browser.script("return document.getElementById('live').dataset.state")));
        browser.script("window.__notReloaded = true");

        // the run is recorded while the server is not listening, so its notification is lost: only the resync
        // the server sends after it listens again can bring the page up to date
        DatabaseResource.database().query("select pg_terminate_backend(pid) from pg_stat_activity"
                + " where datname = current_database() and application_name = 'metrics-api live stream'");
        new RecordedRuns(recorder).run(t.project(), ids.get("alpha"), "alpha", "failed", Instant.now().minusSeconds(5))
                .record();

        browser.waitFor(d -> "5".equals(browser.cell("alpha", "runs")), Duration.ofSeconds(10));
        assertThat(browser.cell("alpha", "failure-rate")).isEqualTo("40.0%");
        assertThat(browser.script("return window.__notReloaded === true")).isEqualTo(true);
    }

    @Test
    void shouldAskToSignInAgainWhenTheTokenExpiresWhileThePageIsOpen() {
        DashboardTenant t = DashboardTenant.create("expiring");
        threeWorkflows(t);
        Map<String, Object> claims = TestTokens.userClaims(t.user());
        // expired 22 s ago: accepted within the 30 s clock skew for 8 more seconds, then the stream ends
        claims.put("exp", Instant.now().getEpochSecond() - 22);
        browser.open(page.toString(), "", TestTokens.sign(claims, TestTokens.SECRET));
        awaitTable(List.of("beta", "alpha", "gamma"));

        browser.waitFor(d -> browser.textOrNull("#auth-message") != null, Duration.ofSeconds(20));
        assertThat(browser.text("#auth-message")).contains("Your session expired — sign in again");
        assertThat(browser.slugs()).isEmpty();
        assertThat(browser.text("#live")).isEqualTo("Offline");
    }

    @Test
    void shouldNeverShowAnotherTenantsWorkflows() {
        DashboardTenant a = DashboardTenant.create("tenant A");
        DashboardTenant b = DashboardTenant.create("tenant B");
        threeWorkflows(a);
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS);
        UUID payroll = UUID.randomUUID();
        new RecordedRuns(recorder).run(b.project(), payroll, "b-secret-payroll", "failed", at)
                .run(b.project(), UUID.randomUUID(), "b-secret-invoices", "succeeded", at).record();

        browser.open(page.toString(), "", a.token());
        awaitTable(List.of("beta", "alpha", "gamma"));
        assertThat(browser.driver.getPageSource()).doesNotContain("b-secret").doesNotContain(b.project().toString());
        // not even when A asks for B's project by URL
        browser.open(page.toString(), "project=" + b.project(), a.token());
        browser.waitFor(d -> browser.textOrNull(".state.empty h2") != null);
        assertThat(browser.driver.getPageSource()).doesNotContain("b-secret");

        // nor B's workflow opened by its id: it does not exist for A
        browser.open(page.toString(), "wf=" + payroll, a.token());
        browser.waitFor(d -> "Workflow not found".equals(browser.textOrNull("h1")));
        assertThat(browser.driver.getPageSource()).doesNotContain("b-secret");

        browser.open(page.toString(), "", b.token());
        awaitTable(List.of("b-secret-payroll", "b-secret-invoices"));
        assertThat(browser.slugs()).doesNotContain("alpha", "beta", "gamma");
    }

    @Test
    void shouldAskToSignInAgainWhenTheTokenIsInvalidOrExpired() {
        browser.open(page.toString(), "", "not-a-token");
        browser.waitFor(d -> browser.textOrNull("#auth-message") != null);
        assertThat(browser.text("#auth-message")).contains("Your session expired — sign in again");
        assertThat(browser.all("#token-input")).hasSize(1);
        assertThat(browser.driver.getCurrentUrl()).doesNotContain("token=");

        Map<String, Object> claims = TestTokens.userClaims(UUID.randomUUID());
        claims.put("iat", Instant.now().minus(2, ChronoUnit.HOURS).getEpochSecond());
        claims.put("exp", Instant.now().minus(1, ChronoUnit.HOURS).getEpochSecond());
        browser.open(page.toString(), "", TestTokens.sign(claims, TestTokens.SECRET));
        browser.waitFor(d -> browser.textOrNull("#auth-message") != null);
        assertThat(browser.text("#auth-message")).contains("Your session expired — sign in again");

        // the form signs in with a valid token pasted into it
        DashboardTenant t = DashboardTenant.create("signin");
        threeWorkflows(t);
        browser.driver.findElement(By.id("token-input")).sendKeys(t.token());
        browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        awaitTable(List.of("beta", "alpha", "gamma"));
    }

    @Test
    void shouldShowVersionsAndTopErrorsOnTheDetailPageAndSaveScreenshots() {
        DashboardTenant t = DashboardTenant.create("screenshots");
        UUID checkout = UUID.randomUUID();
        UUID checkoutV2 = UUID.randomUUID();
        RecordedRuns runs = new RecordedRuns(recorder);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        // a week of runs over several workflows, so the screenshots show a realistic page
        String[] slugs = {"order-sync", "invoice-export", "crm-webhook", "nightly-report", "slack-notify"};
        double[] failEvery = {9, 4, 25, 3, 1000};
        for (int w = 0; w < slugs.length; w++) {
            // MeshHook gives each version of a workflow an id of its own; the slug ties them together
            UUID[] versionIds = {UUID.randomUUID(), UUID.randomUUID()};
            for (int i = 0; i < 40; i++) {
                Instant at = now.minus(i * 4L + w, ChronoUnit.HOURS).minusSeconds(i * 7L);
                String status = i % failEvery[w] == 0
                        ? (i % 2 == 0 ? "failed" : "timed_out")
                        : i % 17 == 0 ? "canceled" : "succeeded";
                runs.run(t.project(), versionIds[i / 30], slugs[w], 1 + i / 30, status, at,
                        Duration.ofMillis(300 + 97L * (i % 13)),
                        "webhook");
            }
        }
        // checkout: version 1 was fine, version 2 (published a day ago) fails half of the time
        for (int i = 0; i < 24; i++) {
            Instant at = now.minus(i + 1, ChronoUnit.DAYS).plusSeconds(i * 60L);
            runs.run(t.project(), checkout, "checkout", 1, i % 8 == 0 ? "failed" : "succeeded", at,
                    Duration.ofSeconds(2), "webhook");
        }
        for (int i = 0; i < 12; i++) {
            Instant at = now.minus(i * 90L + 5, ChronoUnit.MINUTES);
            runs.run(t.project(), checkoutV2, "checkout", 2,
                    i % 2 == 0 ? "succeeded" : i % 3 == 0 ? "timed_out" : "failed",
                    at, Duration.ofMillis(2500 + i * 100L), "webhook");
        }
        runs.record();

        browser.open(page.toString(), "range=7d", t.token());
        browser.waitFor(d -> browser.slugs().size() == 6);
        browser.waitFor(d -> !browser.all("#trend-chart canvas").isEmpty());
        browser.screenshot("overview");

        // by keyboard: the slug is a link, so Enter opens the workflow
        browser.driver.findElement(By.linkText("checkout")).sendKeys(Keys.ENTER);
        browser.waitFor(d -> browser.textOrNull("#versions tbody tr") != null);
        assertThat(browser.driver.getCurrentUrl()).contains("wf=" + checkout); // the first version's id names it
        assertThat(browser.text("h1")).isEqualTo("checkout");
        List<String> versions = browser.all("#versions tbody tr").stream().map(r -> r.getAttribute("data-version"))
                .toList();
        assertThat(versions).containsExactly("2", "1");
        assertThat(browser.text("#versions tbody tr[data-version='2']")).contains("worse than v1");
        List<String> codes = browser.all("#top-errors tbody tr").stream().map(r -> r.getAttribute("data-code"))
                .toList();
        assertThat(codes).containsExactly("HTTP_502", "TIMEOUT");
        assertThat(browser.all("#recent-failures tbody tr")).isNotEmpty();
        browser.waitFor(d -> !browser.all("#detail-chart canvas").isEmpty());
        browser.screenshot("detail");

        // the same pages in the dark theme and on a phone, for a look at both
        browser.driver.findElement(By.id("theme")).click();
        browser.waitFor(d -> !browser.all("#detail-chart canvas").isEmpty());
        browser.screenshot("detail-dark");
        browser.driver.navigate().back();
        browser.waitFor(d -> browser.slugs().size() == 6);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        browser.waitFor(d -> !browser.all("#trend-chart canvas").isEmpty());
        browser.screenshot("overview-phone-dark");
        browser.driver.findElement(By.id("theme")).click();
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1360, 1000));
    }
}
