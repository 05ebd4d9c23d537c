package dev.treeprof.examples;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cProfile walkthrough, in Java: the sleep example and the recursive example, profiled,
 * printed the pstats way, then dumped for Python's pstats, snakeviz or the {@code stats} command.
 * Durations are a tenth of the Python originals so the whole run takes about a second.
 *
 * Last, a scope closed twice shows how misuse is repaired and reported through SLF4J.
 *
 * <p>Run with {@code ./run-example.sh walkthrough}.
 */
public final class Walkthrough {

    private static final ScopeName LET_ME_SLEEP = ScopeName.of("let_me_sleep");
    private static final ScopeName RECURSE_AND_SLEEP = ScopeName.of("recurse_and_sleep");
    private static final ScopeName SLEEP = ScopeName.of("<built-in method Thread.sleep>");

    private Walkthrough() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "profile_output");
        firstExample();
        recursiveExample(out);
        misuseExample();
    }

    /** Python: {@code pr.enable(); for i in range(5): let_me_sleep(i / 10); pr.disable(); pr.print_stats()}. */
    static Stats firstExample() {
        System.out.println("== The first example: let_me_sleep(i / 100) for i in 0..4");
        Profiler pr = Profile.newProfiler();
        pr.enable();
        for (int i = 0; i < 5; i++) {
            letMeSleep(i * 10);
        }
        pr.disable();
        pr.printStats();
        pr.printStats("cumtime");
        return pr.stats();
    }

    static void letMeSleep(long millis) {
        try (Scope scope = Profile.scope(LET_ME_SLEEP)) {
            sleep(millis);
        }
    }

    /** Python: {@code recurse_and_sleep(0)} sleeping 0.02 s per level, 6 levels; print, then callers and callees. */
    static Stats recursiveExample(Path out) throws IOException {
        System.out.println("== The recursive example: recurse_and_sleep(0), 6 levels of 2 ms");
        Profiler pr = Profile.newProfiler();
        pr.enable();
        recurseAndSleep(0);
        pr.disable();
        Stats stats = pr.stats().sortStats("cumtime");
        stats.printStats();
        stats.printCallers();
        stats.printCallees();
        Files.createDirectories(out);
        for (String name : new String[] {"recursive.prof", "recursive.json", "recursive.speedscope.json",
                "recursive.trace.json", "recursive.folded"}) {
            pr.dumpStats(out.resolve(name));
        }
        Path prof = out.resolve("recursive.prof");
        System.out.println("Dumped " + prof + " (and .json, .speedscope.json, .trace.json, .folded) in " + out
                + "; open it with: python3 -c \"import pstats; pstats.Stats('" + prof
                + "').sort_stats('cumtime').print_stats()\"");
        System.out.println("== Loaded back from " + prof);
        Stats.load(prof).sortStats("cumtime").printStats();
        return stats;
    }

    /**
     * Misuse never breaks the program: a scope closed twice is repaired (the second close is
     * ignored) and reported once per process through SLF4J, which this module routes to
     * slf4j-simple (standard error). Without an SLF4J provider the report would go nowhere.
     */
    static Stats misuseExample() {
        System.out.println("== Misuse: a scope closed twice; the second close is ignored and reported once "
                + "through SLF4J (slf4j-simple prints it on stderr)");
        Profiler pr = Profile.newProfiler();
        pr.enable();
        Scope scope = Profile.scope(LET_ME_SLEEP);
        sleep(1);
        scope.close();
        scope.close(); // a bug in the calling code, on purpose
        pr.disable();
        System.err.flush();
        pr.printStats();
        return pr.stats();
    }

    static void recurseAndSleep(int count) {
        try (Scope scope = Profile.scope(RECURSE_AND_SLEEP)) {
            if (count == 6) {
                return;
            }
            sleep(2);
            recurseAndSleep(count + 1);
        }
    }

    /** Thread.sleep as a scope of its own, like cProfile's {built-in method time.sleep} row. */
    private static void sleep(long millis) {
        try (Scope scope = Profile.scope(SLEEP)) {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
