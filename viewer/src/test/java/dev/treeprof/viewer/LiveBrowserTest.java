package dev.treeprof.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.web.RequestProfile;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live viewer in a real browser, as {@link BrowserTest} drives the file viewer (Debian's
 * headless Chromium and its chromedriver): an Undertow application with the viewer mounted at
 * {@code /admin/treeprof/} behind its cookie check. The page lists the application's requests,
 * shows a new one without being reloaded, and draws a profile.
 */
class LiveBrowserTest {

    @TempDir
    static Path tmp;

    static LiveViewerContract.App app;
    static ChromeDriver driver;

    @BeforeAll
    static void start() throws IOException {
        if ("skip".equals(System.getProperty("treeprof.browserTests"))) {
            Assumptions.abort("browser tests skipped (-Dtreeprof.browserTests=skip)");
        }
        if (!Files.isExecutable(Path.of(BrowserTest.CHROMIUM)) || !Files.isExecutable(Path.of(BrowserTest.CHROMEDRIVER))) {
            fail("the browser tests need Debian's chromium and chromium-driver (" + BrowserTest.CHROMIUM + ", "
                    + BrowserTest.CHROMEDRIVER + "): apt-get install -y chromium chromium-driver, as .ci/run does");
        }
        app = new UndertowLiveViewerTest().start();
        System.setProperty("webdriver.chrome.driver", BrowserTest.CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserTest.CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")), "--window-size=1400,1000",
                "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(BrowserTest.CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    static String base() {
        return "http://127.0.0.1:" + app.port();
    }

    static <T> T waitFor(Function<WebDriver, T> condition) {
        // the tables re-render the rows in view as data arrives: an element read between two renders
        // is stale, and the next poll reads the new one
        return new WebDriverWait(driver, Duration.ofSeconds(20))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Sends a request to the application and waits until its profile is kept. */
    static RequestProfile request(String pathAndQuery) throws Exception {
        String before = app.recent().list().isEmpty() ? "0" : app.recent().list().get(0).id();
        HttpResponse<String> r = LiveViewerContract.HTTP.send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<RequestProfile> list = app.recent().list();
            if (!list.isEmpty() && Long.parseLong(list.get(0).id()) > Long.parseLong(before)) {
                return list.get(0);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the profile of " + pathAndQuery + " was never kept");
    }

    @Test
    void theMountedViewerShowsNewRequestsLiveAndDrawsTheirProfiles() throws Exception {
        RequestProfile first = request("/work?n=3");

        // the application's check refuses the browser until it has the cookie
        driver.get(base() + LiveViewerContract.MOUNT + "/");
        assertTrue(driver.getPageSource().contains("forbidden"), driver.getPageSource());
        String[] cookie = LiveViewerContract.COOKIE.split("=", 2);
        driver.manage().addCookie(new Cookie(cookie[0], cookie[1], "/"));

        // the mount point without its slash redirects to the page, which loads under the prefix
        driver.get(base() + LiveViewerContract.MOUNT);
        waitFor(d -> d.getCurrentUrl().startsWith(base() + LiveViewerContract.MOUNT + "/"));
        waitFor(d -> !d.findElements(By.cssSelector("#entries tr[data-id='" + first.id() + "']")).isEmpty());
        String row = driver.findElement(By.cssSelector("#entries tr[data-id='" + first.id() + "']")).getText();
        assertTrue(row.contains("GET") && row.contains("/work") && row.contains("200"), row);

        // a request made now appears without reloading the page
        js("window.__sameDocument = true;");
        RequestProfile second = request("/work?n=4");
        waitFor(d -> !d.findElements(By.cssSelector("#entries tr[data-id='" + second.id() + "']")).isEmpty());
        assertEquals(Boolean.TRUE, js("return window.__sameDocument === true;"), "the page was not reloaded");

        // opening it draws its tree
        driver.findElement(By.cssSelector("#entries tr[data-id='" + second.id() + "'] a")).click();
        waitFor(d -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> frames = (List<Map<String, Object>>) js("return window.treeprof.frames();");
            return frames != null && frames.stream().anyMatch(f -> "step".equals(f.get("label"))) ? frames : null;
        });
        long painted = (Long) js("const c = document.querySelector('#graph canvas'); const d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n;");
        assertTrue(painted > 5_000, "the canvas is painted: " + painted + " pixels");
        assertTrue(driver.getCurrentUrl().startsWith(base() + LiveViewerContract.MOUNT + "/#/profile"), driver.getCurrentUrl());
        Path screenshots = Path.of(System.getProperty("treeprof.viewer.screenshots", "target/screenshots"));
        Files.createDirectories(screenshots);
        Files.write(screenshots.resolve("live-profile.png"), driver.getScreenshotAs(OutputType.BYTES));

        // and the viewer's own requests, the page's polling included, were not profiled (the
        // browser's own /favicon.ico, asked for beside the 403 page, is the application's)
        assertTrue(app.recent().list().stream().noneMatch(p -> p.request().path().startsWith(LiveViewerContract.MOUNT)),
                app.recent().list().toString());
    }
}
