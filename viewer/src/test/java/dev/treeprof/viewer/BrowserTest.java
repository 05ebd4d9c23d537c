package dev.treeprof.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.CallStats;
import dev.treeprof.Stats;
import dev.treeprof.StatsRow;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser: Debian's headless Chromium driven by Selenium through the
 * chromedriver the {@code chromium-driver} package installs, so nothing is downloaded. Without
 * Chromium these tests fail (install it as {@code .ci/run} does); {@code -Dtreeprof.browserTests=skip}
 * skips them on a machine that cannot have it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    static final String A = "0/GET.orders.1.json";
    static final String B = "0/GET.orders.2.json";
    static final String SHOP = "0/GET.shop.json";
    static final String RECURSION = "0/recursion.json";
    static final String FLAT = "0/recursion.prof";
    static final String HOSTILE_FILE = Fixtures.XSS_IMG + ".json";

    @TempDir
    static Path tmp;

    static Path dir;
    static ViewerServer server;
    static ChromeDriver driver;
    static Path screenshots;

    @BeforeAll
    static void start() throws IOException {
        if ("skip".equals(System.getProperty("treeprof.browserTests"))) {
            Assumptions.abort("browser tests skipped (-Dtreeprof.browserTests=skip)");
        }
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            fail("the browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): apt-get install -y chromium chromium-driver, as .ci/run does");
        }
        dir = Files.createDirectories(tmp.resolve("profile_output"));
        Fixtures.write(Fixtures.ordersA(), dir.resolve("GET.orders.1.json"));
        Fixtures.write(Fixtures.ordersB(), dir.resolve("GET.orders.2.json"));
        Fixtures.write(Fixtures.shop(), dir.resolve("GET.shop.json"));
        Fixtures.write(Fixtures.recursion(), dir.resolve("recursion.json"));
        Fixtures.write(Fixtures.recursion(), dir.resolve("recursion.prof"));
        Fixtures.write(Fixtures.hostile(), dir.resolve(HOSTILE_FILE));
        Files.writeString(dir.resolve("broken.prof"), "not a profile");
        server = ViewerServer.start("127.0.0.1", 0, List.of(dir));

        screenshots = Path.of(System.getProperty("treeprof.viewer.screenshots", "target/screenshots"));
        Files.createDirectories(screenshots);

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")), "--window-size=1400,1000",
                "--force-device-scale-factor=1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Loads the page afresh at this hash route. */
    static void open(String hash) {
        driver.get("about:blank");
        driver.get(server.url() + hash);
    }

    static <T> T waitFor(Function<WebDriver, T> condition) {
        // the tables re-render the rows in view as data arrives: an element read between two renders
        // is stale, and the next poll reads the new one
        return new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> frames() {
        return (List<Map<String, Object>>) js("return window.treeprof.frames();");
    }

    static List<Map<String, Object>> waitFrames(int atLeast) {
        return waitFor(d -> {
            List<Map<String, Object>> f = frames();
            return f.size() >= atLeast ? f : null;
        });
    }

    static Map<String, Object> frame(String label) {
        return frames().stream().filter(f -> label.equals(f.get("label"))).findFirst()
                .orElseThrow(() -> new AssertionError("no frame " + label + " in " + frames()));
    }

    static double num(Map<String, Object> f, String key) {
        return ((Number) f.get(key)).doubleValue();
    }

    /** Clicks (or hovers) the middle of a drawn frame. */
    static void atFrame(Map<String, Object> f, boolean click) {
        WebElement canvas = driver.findElement(By.cssSelector("#graph canvas"));
        int x = (int) (num(f, "x") + Math.min(num(f, "width") / 2, 40) - canvas.getRect().getWidth() / 2.0);
        int y = (int) (num(f, "y") + 9 - canvas.getRect().getHeight() / 2.0);
        Actions a = new Actions(driver).moveToElement(canvas, x, y);
        (click ? a.click() : a).perform();
    }

    /** The colour drawn at the top-left corner of a frame, as "r,g,b". */
    static String colourAt(Map<String, Object> f) {
        return (String) js("const c = document.querySelector('#graph canvas'); const d = c.getContext('2d')"
                + ".getImageData(arguments[0], arguments[1], 1, 1).data; return d[0] + ',' + d[1] + ',' + d[2];",
                (int) num(f, "x") + 2, (int) num(f, "y") + 2);
    }

    static List<String> texts(String css) {
        return driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).collect(Collectors.toList());
    }

    static void screenshot(String name) throws IOException {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.write(screenshots.resolve(name + ".png"), png);
    }

    static String calls(long total, long primitive) {
        return total == primitive ? Long.toString(total) : total + "/" + primitive;
    }

    static String sec(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    static List<String> tableLabels() {
        return texts("#stats-table tbody td.name");
    }

    // ------------------------------------------------------------------ the requests list

    @Test
    @Order(1)
    void listLoadsSortsFiltersAndGroupsByRoute() throws IOException {
        open("#/");
        waitFor(d -> texts("#entries tbody tr").size() == 7 && !d.findElement(By.id("list-summary")).getText().contains("loading"));
        String failed = driver.findElement(By.cssSelector("#entries tr.failed")).getText();
        assertTrue(failed.contains("cannot load") && failed.contains("broken.prof"), failed);
        int histogrammed = driver.findElements(By.cssSelector("#histogram div")).stream()
                .mapToInt(e -> Integer.parseInt(e.getAttribute("title").split(" ")[0])).sum();
        assertEquals(6, histogrammed, "every loaded profile is in the duration histogram");
        screenshot("requests");

        driver.findElement(By.cssSelector("#entries th[data-col=duration]")).click();
        List<String> ids = driver.findElements(By.cssSelector("#entries tbody tr:not(.failed)")).stream()
                .map(e -> e.getAttribute("data-id")).collect(Collectors.toList());
        assertEquals(B, ids.get(0), "longest first: " + ids);
        assertEquals("0/" + HOSTILE_FILE, ids.get(ids.size() - 1), "shortest last: " + ids);
        driver.findElement(By.cssSelector("#entries th[data-col=duration]")).click();
        assertEquals("0/" + HOSTILE_FILE, driver.findElement(By.cssSelector("#entries tbody tr")).getAttribute("data-id"));
        assertEquals("0/broken.prof", driver.findElement(By.cssSelector("#entries tbody tr:last-child")).getAttribute("data-id"),
                "failed files stay last in either direction");

        driver.findElement(By.id("filter-path")).sendKeys("^/orders/");
        waitFor(d -> texts("#entries tbody tr").size() == 2);
        assertTrue(driver.getCurrentUrl().contains("q=%5E%2Forders%2F"), "the filter is in the URL: " + driver.getCurrentUrl());
        driver.findElement(By.id("filter-min")).sendKeys("120");
        waitFor(d -> texts("#entries tbody tr").size() == 1);
        assertTrue(texts("#entries tbody tr").get(0).contains("/orders/2"));
        driver.findElement(By.id("filter-min")).clear();
        driver.findElement(By.id("filter-min")).sendKeys(" ");
        driver.findElement(By.id("filter-path")).clear();
        driver.findElement(By.id("filter-path")).sendKeys(" ");
        driver.findElement(By.id("filter-path")).sendKeys(Keys.BACK_SPACE);

        driver.findElement(By.id("group-route")).click();
        WebElement orders = waitFor(d -> d.findElement(By.cssSelector("#groups tr[data-route='GET /orders/{id}']")));
        List<String> cells = orders.findElements(By.tagName("td")).stream().map(WebElement::getText).collect(Collectors.toList());
        assertEquals(List.of("", "GET /orders/{id}", "2", "100 ms", "150 ms", "150 ms", "250 ms", "merge 2"), cells);
        screenshot("routes");
        orders.findElement(By.cssSelector("a.merge-link")).click();
        waitFor(d -> d.findElement(By.id("profile-title")).getText().startsWith("Merge of 2"));
    }

    // ------------------------------------------------------------------ the profile page

    @Test
    @Order(2)
    void theIcicleIsDrawnAndClickZoomsAndTheBreadcrumbGoesBack() {
        open("#/profile?f=" + A);
        List<Map<String, Object>> f = waitFrames(4);
        assertEquals(List.of("main", "handle", "db.query", "render"), f.stream().map(x -> x.get("label")).collect(Collectors.toList()));
        long painted = (Long) js("const c = document.querySelector('#graph canvas'); const d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n;");
        assertTrue(painted > 10_000, "the canvas is painted: " + painted + " pixels");
        Map<String, Object> handle = frame("handle");
        Map<String, Object> query = frame("db.query");
        assertEquals(0.6, num(query, "width") / num(handle, "width"), 0.01, "db.query is 60 of handle's 100 ms");

        atFrame(handle, false);
        String tip = waitFor(d -> d.findElement(By.id("tooltip")).isDisplayed() ? d.findElement(By.id("tooltip")).getText() : null);
        assertTrue(tip.contains("handle") && tip.contains("total 100 ms") && tip.contains("own 10.0 ms")
                && tip.contains("100.0% of profile"), tip);

        atFrame(query, true);
        waitFor(d -> "db.query".equals(frames().get(0).get("label")));
        assertEquals(List.of("main", "handle", "db.query"), texts("#breadcrumb button"));
        assertTrue(driver.getCurrentUrl().contains("zoom="), driver.getCurrentUrl());
        driver.findElements(By.cssSelector("#breadcrumb button")).get(0).click();
        waitFor(d -> frames().size() == 4);

        atFrame(frame("render"), true);
        waitFor(d -> "render".equals(frames().get(0).get("label")));
        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        waitFor(d -> frames().size() == 4 && "main".equals(frames().get(0).get("label")));

        driver.findElement(By.id("toggle-view")).click();
        Map<String, Object> root = waitFor(d -> frames().get(0));
        double height = ((Number) js("return document.querySelector('#graph canvas').getBoundingClientRect().height;")).doubleValue();
        assertEquals(height - 18, num(root, "y"), 0.5, "flame: the root at the bottom");
        assertTrue(driver.getCurrentUrl().contains("view=flame"));
    }

    @Test
    @Order(3)
    void searchHighlightsMatchesWithTheirShareAndSlashFocusesIt() {
        open("#/profile?f=" + A);
        waitFrames(4);
        String before = colourAt(frame("db.query"));
        driver.findElement(By.tagName("body")).sendKeys("/");
        assertEquals("search", js("return document.activeElement.id;"));
        driver.switchTo().activeElement().sendKeys("db\\.");
        waitFor(d -> d.findElement(By.id("search-info")).getText().contains("match"));
        assertEquals("1 functions match, 60.0% of total (60.0 ms)", driver.findElement(By.id("search-info")).getText());
        assertEquals("240,98,146", colourAt(frame("db.query")), "matches are highlighted (was " + before + ")");
        assertFalse(colourAt(frame("render")).equals("240,98,146"), "others are not");

        // the state is in the URL: reloading it restores the search and the zoom
        atFrame(frame("handle"), true);
        waitFor(d -> "handle".equals(frames().get(0).get("label")));
        String url = driver.getCurrentUrl();
        driver.get("about:blank");
        driver.get(url);
        waitFor(d -> frames().size() >= 3 && "handle".equals(frames().get(0).get("label")));
        assertEquals("db\\.", driver.findElement(By.id("search")).getAttribute("value"));
        assertEquals(List.of("main", "handle"), texts("#breadcrumb button"));
    }

    @Test
    @Order(4)
    void theTableSortsInPstatsOrderForEveryKeyAndRestrictsAsPrintStats() throws IOException {
        open("#/profile?f=" + SHOP);
        waitFrames(4);
        screenshot("icicle");
        Stats stats = Stats.load(dir.resolve("GET.shop.json"));
        for (String key : new String[] {"calls", "cumulative", "time", "pcalls", "filename", "line", "name", "nfl", "stdname"}) {
            new Select(driver.findElement(By.id("sort-key"))).selectByValue(key);
            List<String> expected = stats.sortStats(key).rows().stream().map(StatsRow::label).collect(Collectors.toList());
            assertEquals(expected, tableLabels(), "sort " + key);
        }
        new Select(driver.findElement(By.id("sort-key"))).selectByValue("time");
        List<String> ncalls = texts("#stats-table tbody tr td:first-child");
        List<String> expectedCalls = stats.sortStats("time").rows().stream().map(StatsRow::ncalls).collect(Collectors.toList());
        assertEquals(expectedCalls, ncalls);

        driver.findElement(By.id("restrict")).sendKeys("shop 3");
        List<String> restricted = stats.sortStats("time").rows("shop", 3).stream().map(StatsRow::label).collect(Collectors.toList());
        waitFor(d -> tableLabels().size() == restricted.size());
        assertEquals(restricted, tableLabels());
        driver.findElement(By.id("restrict")).clear();
        driver.findElement(By.id("restrict")).sendKeys("0.5");
        List<String> half = stats.sortStats("time").rows(0.5).stream().map(StatsRow::label).collect(Collectors.toList());
        waitFor(d -> tableLabels().size() == half.size());
        assertEquals(half, tableLabels());
        driver.findElement(By.id("restrict")).clear();
        driver.findElement(By.id("restrict")).sendKeys(" ");
        waitFor(d -> tableLabels().size() == stats.rows().size());

        // row -> graph: every node of the selected function lights up
        driver.findElement(By.xpath("//table[@id='stats-table']//td[.='shop/Price.java:7(total)']")).click();
        waitFor(d -> d.findElement(By.id("sel-name")).getText().equals("shop/Price.java:7(total)"));
        List<Map<String, Object>> lit = frames().stream().filter(x -> "shop/Price.java:7(total)".equals(x.get("label")))
                .collect(Collectors.toList());
        assertEquals(2, lit.size(), "called from two paths");
        for (Map<String, Object> x : lit) {
            assertEquals("109,141,247", colourAt(x));
        }
        assertTrue(driver.getCurrentUrl().contains("sel="));
        screenshot("profile");
        // graph -> row: clicking a frame selects its row
        atFrame(frame("shop/View.java:30(render)"), true);
        waitFor(d -> d.findElement(By.cssSelector("#stats-table tr.sel td.name")).getText().equals("shop/View.java:30(render)"));
    }

    @Test
    @Order(5)
    void theCallersPanelShowsPstatsCountsWithRecursion() {
        open("#/profile?f=" + RECURSION);
        waitFrames(4);
        String label = "recursion.java:3(recurse_and_sleep)";
        driver.findElement(By.xpath("//table[@id='stats-table']//td[.='" + label + "']")).click();
        waitFor(d -> d.findElement(By.id("sel-name")).getText().equals(label));
        assertEquals(List.of("7/1", "0.000", "0.120"), texts("#sel-stats b"), "the function's ncalls, tottime, cumtime");
        WebElement row = driver.findElement(By.xpath("//table[@id='stats-table']//tr[td[.='" + label + "']]"));
        assertEquals("7/1", row.findElement(By.tagName("td")).getText());
        StatsRow expected;
        try {
            expected = Stats.load(dir.resolve("recursion.json")).row(label);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<String> callers = texts("#callers tbody tr");
        List<String> want = new ArrayList<>();
        for (Map.Entry<dev.treeprof.ScopeName, CallStats> e : expected.callers().entrySet()) {
            CallStats c = e.getValue();
            want.add(calls(c.totalCalls(), c.primitiveCalls()) + " " + sec(c.tottime()) + " " + sec(c.cumtime()) + " " + e.getKey().label());
        }
        assertEquals(want, callers);
        assertTrue(texts("#callees tbody tr td.name").contains("recursion.java:2(sleep)"));
    }

    // ------------------------------------------------------------------ merge and diff

    @Test
    @Order(6)
    void aMergeEqualsTheSumOfItsProfiles() throws IOException {
        open("#/profile?f=" + A + "&f=" + B);
        waitFrames(4);
        Stats a = Stats.load(dir.resolve("GET.orders.1.json"));
        Stats b = Stats.load(dir.resolve("GET.orders.2.json"));
        Stats sum = a.add(b).sortStats("cumulative");
        List<String> expected = sum.rows().stream()
                .map(r -> r.ncalls() + " " + sec(r.tottime()) + " " + sec(r.tottimePerCall()) + " " + sec(r.cumtime()) + " "
                        + sec(r.cumtimePerCall()) + " " + r.label())
                .collect(Collectors.toList());
        assertEquals(expected, texts("#stats-table tbody tr"));
        assertEquals("5", driver.findElement(By.xpath("//table[@id='stats-table']//tr[td[.='db.query']]/td[1]")).getText());
        Map<String, Object> handle = frame("handle");
        atFrame(handle, false);
        String tip = waitFor(d -> d.findElement(By.id("tooltip")).isDisplayed() ? d.findElement(By.id("tooltip")).getText() : null);
        assertTrue(tip.contains("calls on this path: 2") && tip.contains("total 250 ms"), tip);
    }

    @Test
    @Order(7)
    void aDiffShowsTheDeltasAndTheFunctionsOnOneSideOnly() throws IOException {
        open("#/diff?a=" + A + "&b=" + B);
        waitFor(d -> !d.findElements(By.cssSelector("#diff-table tbody tr")).isEmpty());
        assertEquals("+50.0 ms", driver.findElement(By.id("diff-total")).getText());
        WebElement q = driver.findElement(By.cssSelector("#diff-table tr[data-label='db.query']"));
        List<String> cells = q.findElements(By.tagName("td")).stream().map(WebElement::getText).collect(Collectors.toList());
        assertEquals(List.of("db.query", "0.060", "0.120", "+60.0 ms", "0.060", "0.120", "+60.0 ms", "2", "3", "+1"), cells);
        assertEquals("only-a", driver.findElement(By.cssSelector("#diff-table tr[data-label='render']")).getAttribute("class"));
        assertEquals("only-b", driver.findElement(By.cssSelector("#diff-table tr[data-label='cache.get']")).getAttribute("class"));
        assertEquals("db.query", texts("#diff-table tbody td.name").get(0), "sorted by the largest change of own time");
        waitFrames(5);
        String slower = colourAt(frame("db.query"));
        String[] rgb = slower.split(",");
        assertTrue(Integer.parseInt(rgb[0]) > Integer.parseInt(rgb[1]) + 40, "slower in B is red: " + slower);
        screenshot("diff");

        driver.findElement(By.id("swap")).click();
        waitFor(d -> d.findElement(By.cssSelector("#diff-table tr[data-label='db.query'] td:nth-child(4)")).getText().equals("−60.0 ms"));
        assertEquals("only-b", driver.findElement(By.cssSelector("#diff-table tr[data-label='render']")).getAttribute("class"));
    }

    @Test
    @Order(8)
    void aFlatFileOpensWithItsTreeMarkedAsAnEstimate() throws IOException {
        open("#/profile?f=" + FLAT);
        waitFrames(3);
        assertTrue(driver.findElement(By.id("estimate-notice")).getText().contains("estimates"));
        assertEquals("estimated from caller pairs", frames().get(0).get("label"));
        assertTrue(driver.findElements(By.xpath("//a[.='.speedscope.json']")).isEmpty(), "no paths to export");
        screenshot("flat-prof");
    }

    // ------------------------------------------------------------------ safety

    @Test
    @Order(9)
    void namesAreTextNeverMarkup() {
        open("#/");
        waitFor(d -> texts("#entries tbody tr").size() == 7);
        assertTrue(driver.findElement(By.id("entries")).getText().contains(HOSTILE_FILE));
        driver.findElement(By.id("group-route")).click();
        waitFor(d -> !d.findElements(By.id("groups")).isEmpty());
        open("#/profile?f=0/" + urlEncode(HOSTILE_FILE));
        waitFrames(3);
        assertEquals("POST /x/" + Fixtures.XSS_SCRIPT + Fixtures.XSS_IMG, driver.findElement(By.id("profile-title")).getText());
        List<String> labels = tableLabels();
        assertTrue(labels.contains(Fixtures.XSS_SCRIPT), labels.toString());
        assertTrue(labels.contains(Fixtures.XSS_IMG + ".java:1(" + Fixtures.XSS_IMG + ")"), labels.toString());
        atFrame(frame(Fixtures.XSS_SCRIPT), false);
        waitFor(d -> d.findElement(By.id("tooltip")).getText().contains("script"));
        driver.findElements(By.cssSelector("#stats-table td.name")).stream()
                .filter(e -> e.getText().equals(Fixtures.XSS_SCRIPT)).findFirst().orElseThrow().click();
        waitFor(d -> d.findElement(By.id("sel-name")).getText().equals(Fixtures.XSS_SCRIPT));
        assertNull(js("return window.__pwned;"), "no injected code ran");
        assertEquals(0L, js("return document.querySelectorAll('img').length;"));
        assertEquals(1L, js("return document.querySelectorAll('script').length;"));
    }

    static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    @Order(100)
    void thePageRequestsNothingFromAnyOtherHost() {
        // every page visited above is in this session's network log; visit the rest once more
        open("#/");
        waitFor(d -> texts("#entries tbody tr").size() == 7);
        open("#/diff?a=" + A + "&b=" + SHOP);
        waitFor(d -> !d.findElements(By.cssSelector("#diff-table tbody tr")).isEmpty());
        List<String> urls = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            String m = e.getMessage();
            if (m.contains("\"Network.requestWillBeSent\"")) {
                int i = m.indexOf("\"url\":\"");
                urls.add(m.substring(i + 7, m.indexOf('"', i + 7)));
            }
        }
        assertTrue(urls.size() > 20, "the log saw the pages' requests: " + urls);
        String origin = server.url();
        // network URLs only: chrome:// pages are the browser's own (its new-tab page), not requests to a host
        List<String> foreign = urls.stream().filter(u -> u.matches("(?i)(https?|wss?|ftp):.*|//.*") && !u.startsWith(origin))
                .collect(Collectors.toList());
        assertEquals(List.of(), foreign);
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) js("return performance.getEntriesByType('resource').map(e => e.name);");
        assertTrue(resources.stream().allMatch(u -> u.startsWith(origin)), resources.toString());
    }

    // ------------------------------------------------------------------ long tables (after the network check: another server)

    /**
     * The text of {@code cellCss} in the rows drawn at a quarter, half and three quarters down a
     * scrolled table's visible height, and at its last visible pixel (null where no row is).
     */
    @SuppressWarnings("unchecked")
    static List<String> labelsInView(String wrapCss, String cellCss) {
        return (List<String>) js("const w = document.querySelector(arguments[0]); const r = w.getBoundingClientRect();"
                + " const x = r.left + 40; return [0.25, 0.5, 0.75, 1].map(f => {"
                + " const e = document.elementFromPoint(x, r.top + (f < 1 ? w.clientHeight * f : w.clientHeight - 3));"
                + " const tr = e && e.closest('tr'); const c = tr && tr.querySelector(arguments[1]); return c ? c.textContent : null; });",
                wrapCss, cellCss);
    }

    /** Asserts the rows shown are consecutive rows of {@code expected}; returns the index of the first. */
    static int assertSlice(List<String> expected, List<String> shown) {
        int first = expected.indexOf(shown.get(0));
        assertTrue(first >= 0, "unknown row " + shown.get(0));
        assertEquals(expected.subList(first, Math.min(expected.size(), first + shown.size())), shown);
        return first;
    }

    @Test
    @Order(101)
    void aLongTableHoldsOnlyTheRowsInViewAndShowsTheRightOnesAfterScrollingAndSorting() throws IOException {
        Path wide = Files.createDirectories(tmp.resolve("wide"));
        Stats stats = Fixtures.record("GET", "/wide", 200, 1_795_633_237_000L, r -> r.call("main", 5, () -> {
            for (int i = 0; i < 3000; i++) {
                r.call(dev.treeprof.ScopeName.of("wide/F" + (i % 7) + ".java", i + 1, "f" + i), 1 + (i * 37L) % 1000);
            }
        }));
        Fixtures.write(stats, wide.resolve("wide.json"));
        try (ViewerServer s = ViewerServer.start("127.0.0.1", 0, List.of(wide))) {
            driver.get("about:blank");
            driver.get(s.url() + "#/profile?f=0/wide.json");
            waitFor(d -> !tableLabels().isEmpty());
            List<String> cumulative = stats.sortStats("cumulative").rows().stream().map(StatsRow::label).collect(Collectors.toList());
            List<String> shown = tableLabels();
            assertTrue(shown.size() < 300, "only the rows in view and a screenful around them: " + shown.size());
            assertEquals(0, assertSlice(cumulative, shown));
            assertTrue(driver.findElement(By.id("order-info")).getText().contains("3001 of 3001 rows"));

            js("const w = document.querySelector('.tablewrap'); w.scrollTop = w.scrollHeight / 2;");
            waitFor(d -> !tableLabels().get(0).equals(shown.get(0)));
            int first = assertSlice(cumulative, tableLabels());
            assertTrue(first > 1000, "the rows around the middle: from " + first);
            List<String> inView = labelsInView(".tablewrap", "td.name");
            int top = cumulative.indexOf(inView.get(0));
            assertTrue(top > 1000 && top < 2000, "the row drawn a quarter down the middle of the table: " + top);
            assertEquals(cumulative.subList(top, top + 1), inView.subList(0, 1));
            int mid = cumulative.indexOf(inView.get(1));
            int bottom = cumulative.indexOf(inView.get(2));
            assertTrue(top < mid && mid < bottom && bottom - top < 40, "rows in order where they are drawn: " + top + ", " + mid + ", " + bottom);

            new Select(driver.findElement(By.id("sort-key"))).selectByValue("name");
            List<String> byName = stats.sortStats("name").rows().stream().map(StatsRow::label).collect(Collectors.toList());
            waitFor(d -> byName.contains(tableLabels().get(0)) && byName.indexOf(tableLabels().get(0)) > 0);
            assertSlice(byName, tableLabels());
            js("const w = document.querySelector('.tablewrap'); w.scrollTop = w.scrollHeight;");
            waitFor(d -> {
                List<String> l = tableLabels();
                return l.get(l.size() - 1).equals(byName.get(byName.size() - 1));
            });
            assertSlice(byName, tableLabels());
            assertEquals(byName.get(byName.size() - 1), labelsInView(".tablewrap", "td.name").get(3), "the last row at the bottom");
            screenshot("long-table");
        }
    }

    /** The ids of the list's rows in the page, read in one go (polls make the rows again meanwhile). */
    @SuppressWarnings("unchecked")
    static List<String> entryIds() {
        return (List<String>) js("return [...document.querySelectorAll('#entries tbody tr')].map(r => r.getAttribute('data-id'));");
    }

    @Test
    @Order(102)
    void aListOfTenThousandFilesRendersTheRowsInView() throws IOException {
        Path many = Files.createDirectories(tmp.resolve("many"));
        Stats small = Fixtures.ordersA();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            Map<String, String> meta = new java.util.LinkedHashMap<>(small.metadata());
            meta.put("request.path", "/items/" + i);
            small.withMetadata(meta).dumpStats(many.resolve(String.format(Locale.ROOT, "GET.items.%05d.json", i)));
        }
        try (ViewerServer s = ViewerServer.start("127.0.0.1", 0, List.of(many))) {
            driver.get("about:blank");
            driver.get(s.url() + "#/");
            waitFor(d -> d.findElement(By.id("list-summary")).getText().startsWith(n + " of " + n + " profiles"));
            // the list is made again on every poll while summaries come in: click whatever header is there now
            js("document.querySelector('#entries th[data-col=file]').click();");
            waitFor(d -> entryIds().stream().findFirst().filter("0/GET.items.00000.json"::equals).isPresent());
            int rows = entryIds().size();
            assertTrue(rows > 10 && rows < 300, "only the rows in view and a screenful around them: " + rows);

            js("const w = document.getElementById('list'); w.scrollTop = w.scrollHeight;");
            waitFor(d -> entryIds().stream().reduce((a, b) -> b).filter("0/GET.items.09999.json"::equals).isPresent());
            assertEquals("GET.items.09999.json", labelsInView("#list", "td:last-child").get(3), "the last row at the bottom");
            js("const w = document.getElementById('list'); w.scrollTop = w.scrollHeight / 2;");
            String middle = waitFor(d -> labelsInView("#list", "td:last-child").get(1));
            int at = Integer.parseInt(middle.substring("GET.items.".length(), "GET.items.".length() + 5));
            assertTrue(at > 4800 && at < 5200, "halfway down, the rows around the middle: " + middle);
            List<String> ids = entryIds();
            for (int k = 1; k < ids.size(); k++) {
                assertTrue(ids.get(k - 1).compareTo(ids.get(k)) < 0, "in file order: " + ids);
            }
        }
    }
}
