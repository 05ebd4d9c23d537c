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
 * {@code window.treeprof.timings}.
 */
public final class ViewerSpeed {

    private ViewerSpeed() {
    }

    public static void main(String[] args) throws Exception {
        int fanOut = 10;
        int depth = 5; // 10 + 100 + ... + 100,000 = 111,110 scopes
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = 5;
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
            for (int r = 0; r < runs; r++) {
                // a fresh server each run: the file is loaded and converted for this page load
                try (ViewerServer server = ViewerServer.start("127.0.0.1", 0, List.of(big))) {
                    driver.get("about:blank");
                    driver.get(server.url() + "#/profile?f=0/big.json");
                    paint.add(waitTiming(driver, "firstPaintMs"));
                    driver.get("about:blank");
                    driver.get(server.url() + "#/profile?f=0/big.json");
                    paintAgain.add(waitTiming(driver, "firstPaintMs"));
                    System.out.println("  page phases (ms since navigation): " + js(driver, "return JSON.stringify(window.treeprof.timings);"));
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
            for (int r = 0; r < 3; r++) {
                // a fresh server each time: its index starts cold, as after `treeprof view DIR`
                try (ViewerServer server = ViewerServer.start("127.0.0.1", 0, List.of(many))) {
                    driver.get("about:blank");
                    driver.get(server.url() + "#/");
                    listed.add(waitTiming(driver, "listedMs"));
                    summarized.add(waitTiming(driver, "summarizedMs"));
                }
            }
            System.out.printf(Locale.ROOT, "first paint of the %,d-node profile: median %.0f ms, max %.0f ms (%d page loads);"
                    + " opened again (converted JSON cached by the server): median %.0f ms%n",
                    nodes, median(paint), Collections.max(paint), runs, median(paintAgain));
            System.out.printf(Locale.ROOT, "zoom click redraw: median %.1f ms, max %.1f ms; Esc back to the root: median %.1f ms,"
                    + " max %.1f ms (%d clicks)%n", median(zoom), Collections.max(zoom), median(reset), Collections.max(reset), zoom.size());
            System.out.printf(Locale.ROOT, "%,d files: listed after median %.0f ms, every summary in after median %.0f ms"
                    + " (cold index, %d runs)%n", files, median(listed), median(summarized), listed.size());
        } finally {
            driver.quit();
        }
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
