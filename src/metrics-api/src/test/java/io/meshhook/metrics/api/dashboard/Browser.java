package io.meshhook.metrics.api.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (the packages `.ci/run` installs), with a
 * fresh profile each time so nothing of an earlier run (storage, cache) leaks into a test.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final Path profile;
    final ChromeDriver driver;

    Browser() {
        try {
            profile = Files.createTempDirectory("dashboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a path given explicitly: Selenium Manager would otherwise try to download a driver
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1360,1000", "--lang=en-US");
        // the page's console, so that a failing test can say what the page complained about
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        driver = new ChromeDriver(options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    /** Opens the dashboard signed in with the token, the way MeshHook links to it (token in the fragment). */
    void open(String base, String query, String token) {
        // via about:blank: a navigation that only changes the fragment would not load the page again
        driver.get("about:blank");
        driver.get(base + (query.isEmpty() ? "" : "?" + query) + "#token=" + token);
    }

    <T> T waitFor(Function<WebDriver, T> condition, Duration timeout) {
        try {
            // rows are re-rendered when live figures arrive: an element read a moment ago may be gone
            return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
                    .ignoring(StaleElementReferenceException.class).until(condition);
        } catch (TimeoutException e) {
            throw new TimeoutException("waited " + timeout.toMillis() + " ms in vain at " + driver.getCurrentUrl()
                    + "; rows " + slugs() + "; page console: " + console(), e);
        }
    }

    /** What the page logged since the last call. */
    List<String> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::toString).toList();
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        return waitFor(condition, Duration.ofSeconds(10));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    /** The workflow rows' slugs in page order (read in one script, so a re-render cannot tear the list). */
    @SuppressWarnings("unchecked")
    List<String> slugs() {
        return (List<String>) script("return [...document.querySelectorAll('#workflows tbody tr')]"
                + ".map(r => r.dataset.slug)");
    }

    /** The text of a cell of the row of a workflow, or null while that row is not shown. */
    String cell(String slug, String cellClass) {
        return (String) script("const r = [...document.querySelectorAll('#workflows tbody tr')]"
                + ".find(r => r.dataset.slug === arguments[0]);"
                + "return r ? r.querySelector('.' + arguments[1]).textContent.trim() : null;", slug, cellClass);
    }

    /** The text of the first element matching, or null while there is none. */
    String textOrNull(String css) {
        return (String) script(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;",
                css);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** A screenshot of the whole page (the window is grown to the document's height first). */
    Path screenshot(String name) {
        Dimension before = driver.manage().window().getSize();
        long height = ((Number) script("return document.documentElement.scrollHeight")).longValue();
        driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(height + 140, 4000)));
        try {
            Thread.sleep(300); // charts resize to the new window on the next frame
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp profile is harmless
            }
        }
    }
}
