package dev.treeprof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.spi.ProfilerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The API module's tests run without treeprof-impl: everything must be a silent, cheap no-op. */
class NoImplementationTest {

    @Test
    void scopesAreTheSharedNoopWithoutAnImplementation() {
        Profile.enable();
        assertSame(Scope.noop(), Profile.scope("x"));
        assertSame(Scope.noop(), Profile.scope(ScopeName.of("x")));
        assertSame(Scope.noop(), Profile.scope());
        Profile.scope("x").close();
        Profile.disable();
    }

    @Test
    void profilersRecordNothingButBehave() {
        Profiler p = Profile.newProfiler();
        assertFalse(p.isEnabled());
        p.enable();
        assertFalse(p.isEnabled(), "nothing records, so the profiler does not claim to");
        p.start();
        assertFalse(p.isEnabled());
        try (Binding b = p.attach()) {
            p.wrap(() -> { }).run();
        }
        p.disable();
        assertEquals(0, p.stats().totalCalls());
        assertTrue(p.stats().rows().isEmpty());
        assertEquals("         0 function calls in 0.000 seconds\n\n", p.stats().sortStats("cumtime").formatStats(5));
        Profiler timed = Profile.newProfiler(() -> 42L, 1e-6);
        timed.enable();
        assertSame(Scope.noop(), Profile.scope("x"));
        timed.disable();
        assertEquals(0, timed.stats().totalCalls());
    }

    @Test
    void enablingSaysOnceOnStandardErrorThatNothingRecordsWhileScopesStaySilent() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EnableWithoutImplementation.class.getName())
                .redirectErrorStream(false).start();
        String out = new String(child.getInputStream().readAllBytes());
        String err = new String(child.getErrorStream().readAllBytes());
        assertEquals(0, child.waitFor(), err);
        assertEquals("done\n", out);
        assertEquals("treeprof: no implementation found, profiling is off; add treeprof-impl to the class path\n", err,
                "one line, however often profiling is turned on");
    }

    /** Run in a fresh JVM: scopes, then enable twice through both entry points. */
    static final class EnableWithoutImplementation {
        public static void main(String[] args) {
            try (Scope s = Profile.scope("quiet")) {
                Profile.scope("quiet too").close();
            }
            Profile.enable();
            Profile.newProfiler().enable();
            Profile.newProfiler().start();
            System.out.println("done");
        }
    }

    @Test
    void applicationCodeCanReadTheRecordingSwitchButNeverSetIt() {
        for (java.lang.reflect.Method m : dev.treeprof.spi.RecordingSwitch.class.getMethods()) {
            assertFalse(java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getName().equals("set"),
                    "no public static setter: " + m);
        }
        assertEquals(0, dev.treeprof.spi.RecordingSwitch.Control.class.getConstructors().length,
                "only the API makes the control, for the bound provider");
        Profile.enable();
        assertFalse(dev.treeprof.spi.RecordingSwitch.isOn(), "the no-op provider never turns it on");
        Profile.disable();
    }

    @Test
    void loadingAndDumpingSayWhatIsMissing() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Stats.load(Path.of("x.prof")));
        assertTrue(e.getMessage().contains("treeprof-impl"));
        assertThrows(UnsupportedOperationException.class, () -> Profile.newProfiler().dumpStats(Path.of("x.prof")));
    }

    @Test
    void bindingIsTheSameProviderFromManyThreads() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<ProfilerProvider> seen = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (seen) {
                    seen.add(ProfilerProvider.current());
                }
            });
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(8, seen.size());
        seen.forEach(p -> assertSame(seen.get(0), p));
        assertEquals("NoopProvider", seen.get(0).getClass().getSimpleName());
    }

    @Test
    void scopeNamesLabelLikePstats() {
        assertEquals("db.query", ScopeName.of("db.query").label());
        assertEquals("{built-in method time.sleep}", ScopeName.of("<built-in method time.sleep>").label());
        assertEquals("com/example/App.java:42(getHello)", ScopeName.of("com/example/App.java", 42, "getHello").label());
        assertEquals(ScopeName.of("a"), ScopeName.of("a"));
        assertTrue(ScopeName.of("a.py", 9, "f").compareTo(ScopeName.of("a.py", 10, "f")) < 0);
        assertThrows(NullPointerException.class, () -> ScopeName.of(null));
    }
}
