package dev.treeprof.examples.readme;

// The README's Quick start, verbatim between the markers; ReadmeSnippetsTest fails when the two
// differ, and runs it to compare its output with the one the README shows.
// [readme:quick-start]
import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;

public class QuickStart {

    static final ScopeName LET_ME_SLEEP = ScopeName.of("let_me_sleep");
    static final ScopeName SLEEP = ScopeName.of("Thread.sleep");

    public static void main(String[] args) throws InterruptedException {
        Profiler pr = Profile.newProfiler();
        pr.enable();
        for (int i = 0; i < 5; i++) {
            letMeSleep(i * 10);
        }
        pr.disable();
        pr.printStats();                                // pstats' layout, to System.out, by standard name
        pr.stats().sortStats("tottime").printStats(1);  // sorted by own time, the first row only
    }

    static void letMeSleep(long millis) throws InterruptedException {
        try (Scope scope = Profile.scope(LET_ME_SLEEP)) {
            sleep(millis);
        }
    }

    static void sleep(long millis) throws InterruptedException {
        try (Scope scope = Profile.scope(SLEEP)) {
            Thread.sleep(millis);
        }
    }
}
// [/readme:quick-start]
