package dev.treeprof.viewer;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The viewer's speed figures (run by {@code benchmarks/viewer-speed.sh}, not a test): in headless
 * Chromium, the first paint of a profile of about 100,000 nodes, the redraw after a zoom click,
 * and how soon a directory of 10,000 profile files is listed and summarized. Times come from the
 * page's own clock ({@code performance.now()}, from the navigation), read through
 * {@code window.treeprof.timings} and the browser's resource timing of {@code /api/profile}.
 *
 * <p>Arguments: {@code [FILES [RUNS]]}, 10,000 files and 5 page loads by default (the listing is
 * measured {@code min(RUNS, 3)} times). Prints one line per page load with where its time went,
 * then the figures as a Markdown table (median, max, how many runs) ready for the README.
 */
public final class ViewerSpeed {

    private ViewerSpeed() {
    }

    /** Where a first paint's time went, from the page's resource timing and its own marks. */
    private static final String PHASES = "const r = performance.getEntriesByType('resource').find(e => e.name.includes('/api/profile'));"
            + " const t = window.treeprof.timings;"
            + " return [r.requestStart, r.responseStart - r.requestStart, r.responseEnd - r.responseStart, t.fetchedMs - r.responseEnd,"
            + " t.preparedMs - t.fetchedMs, t.tableMs - t.preparedMs, t.firstPaintMs - t.tableMs, r.encodedBodySize, r.decodedBodySize];";
    private static final String[] PHASE_NAMES = {"page and script until the request", "server (load, convert; 0 when cached)",
        "transfer", "JSON.parse", "arrays and indexes", "table and panel", "draw until painted"};

    public static void main(String[] args) throws Exception {
        int fanOut = 10;
        int depth = 5; // 10 + 100 + ... + 100,000 = 111,110 scopes
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int listRuns = Math.max(1, Math.min(runs, 3));
        System.setProperty("treeprof.maxNodesPerTree", "1000000");
        Path work = Files.createTempDirectory("treeprof-viewer-speed");
        Path big = Files.createDirectories(work.resolve("big"));
        Path many = Files.createDirectories(work.resolve("many"));

        Stats tree = recordTree(fanOut, depth);
        tree.dumpStats(big.resolve("big.json"));
        int nodes = 0;
        for (var t : tree.callTree().threads()) {
            int[] n = {0};
            t.root().walk((node, d) -> {
                n[0]++;
                return true;
            });
            nodes += n[0];
        }
        Stats small = Fixtures.ordersA();
        for (int i = 0; i < files; i++) {
            Map<String, String> meta = new LinkedHashMap<>(small.metadata());
            meta.put("request.path", "/items/" + i);
            meta.put("request.elapsedNanos", Long.toString(1_000_000L + (i * 7919L) % 90_000_000L));
            small.withMetadata(meta).dumpStats(many.resolve(String.format(Locale.ROOT, "GET.items.%05d.json", i)));
        }
        System.out.printf(Locale.ROOT, "profile: %,d nodes (%,d bytes as .json); directory: %,d files%n",
                nodes, Files.size(big.resolve("big.json")), files);

        ChromeDriver driver = browser(work.resolve("chromium"));
        try {
            List<Double> paint = new ArrayList<>();
            List<Double> paintAgain = new ArrayList<>();
            List<Double> zoom = new ArrayList<>();
            List<Double> reset = new ArrayList<>();
            List<List<Double>> phases = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                // a fresh server each run: the file is loaded and converted for this page load
                try (ViewerServer server = ViewerServer.start("127.0.0.1", 0, List.of(big))) {
                    driver.get("about:blank");
                    driver.get(server.url() + "#/profile?f=0/big.json");
                    paint.add(waitTiming(driver, "firstPaintMs"));
                    phases.add(phases(driver, "load " + (r + 1) + (r == 0 ? " (the JVM's first)" : "")));
                    driver.get("about:blank");
                    driver.get(server.url() + "#/profile?f=0/big.json");
                    paintAgain.add(waitTiming(driver, "firstPaintMs"));
                    phases(driver, "  again, cached");
                    Random random = new Random(r);
                    for (int z = 0; z < 10; z++) {
                        zoom.add(clickFrame(driver, 1 + random.nextInt(2), random));
                        reset.add(((Number) js(driver, "const t0 = performance.now();"
                                + " document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));"
                                + " return performance.now() - t0;")).doubleValue());
                    }
                }
            }
            List<Double> listed = new ArrayList<>();
            List<Double> summarized = new ArrayList<>();
            for (int r = 0; r < listRuns; r++) {
                // a fresh server each time: its index starts cold, as after `treeprof view DIR`
                try (ViewerServer server = ViewerServer.start("127.0.0.1", 0, List.of(many))) {
                    driver.get("about:blank");
                    driver.get(server.url() + "#/");
                    listed.add(waitTiming(driver, "listedMs"));
                    summarized.add(waitTiming(driver, "summarizedMs"));
                    System.out.printf(Locale.ROOT, "list %d: listed after %.0f ms, every summary in after %.0f ms%n",
                            r + 1, listed.get(r), summarized.get(r));
                }
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "Where a first paint's time went (median of %d loads, ms):%n%n| phase | median | max |%n|---|---:|---:|%n", runs);
            for (int k = 0; k < PHASE_NAMES.length; k++) {
                List<Double> col = new ArrayList<>();
                for (List<Double> p : phases) {
                    col.add(p.get(k));
                }
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f |%n", PHASE_NAMES[k], median(col), Collections.max(col));
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "| | target | median | max | runs |%n|---|---|---:|---:|---:|%n");
            row("first paint of a " + String.format(Locale.ROOT, "%,d", nodes) + "-node profile (the server loads and converts the file)",
                    "1.5 s", paint, runs + " page loads, fresh server each", true);
            System.out.printf(Locale.ROOT, "| the first of those, the JVM's first load and conversion (as `treeprof view FILE` opens it) | | %s | | 1 |%n", sec(paint.get(0)));
            row("the same profile opened again (the server keeps converted profiles)", "", paintAgain, runs + " page loads", true);
            row("zoom click redraw", "50 ms", zoom, zoom.size() + " clicks", false);
            row("`Esc` back to the root", "", reset, reset.size() + " presses", false);
            row(String.format(Locale.ROOT, "a directory of %,d files listed, cold index", files), "2 s", listed, listRuns + " page loads", true);
            row(String.format(Locale.ROOT, "every summary of the %,d files in", files), "", summarized, listRuns + " page loads", true);
        } finally {
            driver.quit();
        }
    }

    private static List<Double> phases(ChromeDriver driver, String label) {
        @SuppressWarnings("unchecked")
        List<Number> v = (List<Number>) js(driver, PHASES);
        List<Double> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(label + ":");
        for (int k = 0; k < PHASE_NAMES.length; k++) {
            out.add(v.get(k).doubleValue());
            line.append(String.format(Locale.ROOT, " %s %.0f;", PHASE_NAMES[k], v.get(k).doubleValue()));
        }
        line.append(String.format(Locale.ROOT, " %,d bytes sent (%,d as JSON)", v.get(7).longValue(), v.get(8).longValue()));
        System.out.println(line);
        return out;
    }

    private static void row(String what, String target, List<Double> ms, String runs, boolean seconds) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", what, target,
                seconds ? sec(median(ms)) : String.format(Locale.ROOT, "%.0f ms", median(ms)),
                seconds ? sec(Collections.max(ms)) : String.format(Locale.ROOT, "%.0f ms", Collections.max(ms)), runs);
    }

    private static String sec(double ms) {
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    /** A tree of fanOut^1 + ... + fanOut^depth scopes, siblings named apart so no paths merge. */
    static Stats recordTree(int fanOut, int depth) {
        ScopeName[] names = new ScopeName[2000];
        for (int i = 0; i < names.length; i++) {
            names[i] = ScopeName.of("app/Module" + (i % 50) + ".java", 10 + i, "method" + i);
        }
        AtomicLong micros = new AtomicLong();
        Profiler pr = Profile.newProfiler(micros::get, 1e-6);
        Random random = new Random(42);
        pr.enable();
        record(names, micros, random, fanOut, depth, 0);
        pr.disable();
        return pr.stats();
    }

    private static void record(ScopeName[] names, AtomicLong micros, Random random, int fanOut, int depth, int base) {
        if (depth == 0) {
            return;
        }
        for (int c = 0; c < fanOut; c++) {
            try (Scope s = Profile.scope(names[Math.floorMod(base * 31 + c * 197 + depth, names.length)])) {
                micros.addAndGet(1 + random.nextInt(1000));
                record(names, micros, random, fanOut, depth - 1, base * 31 + c + 1);
            }
        }
    }

    static ChromeDriver browser(Path profileDir) throws Exception {
        System.setProperty("webdriver.chrome.driver", BrowserTest.CHROMEDRIVER);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserTest.CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(profileDir), "--window-size=1400,1000", "--force-device-scale-factor=1");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(BrowserTest.CHROMEDRIVER))
                .usingAnyFreePort().build(), options);
    }

    static Object js(ChromeDriver driver, String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    static double waitTiming(ChromeDriver driver, String name) {
        Object v = new WebDriverWait(driver, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(20))
                .until(d -> js(driver, "return window.treeprof && window.treeprof.timings." + name + ";"));
        return ((Number) v).doubleValue();
    }

    /** Clicks a random drawn frame at this depth (synthetic click, handled synchronously); returns ms. */
    static double clickFrame(ChromeDriver driver, int depth, Random random) {
        return ((Number) js(driver, "const f = window.treeprof.frames().filter(x => x.y === " + depth * 18 + " && x.width > 2);"
                + " const p = f[" + random.nextInt(1000) + " % f.length];"
                + " const c = document.querySelector('#graph canvas'); const r = c.getBoundingClientRect();"
                + " const t0 = performance.now();"
                + " c.dispatchEvent(new MouseEvent('click', {clientX: r.left + p.x + 1, clientY: r.top + p.y + 5, bubbles: true}));"
                + " return performance.now() - t0;")).doubleValue();
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
