package dev.treeprof.impl.stats;

import dev.treeprof.Profile;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.impl.record.FakeClock;

/**
 * The Java twin of {@code det.py} (src/test/resources/golden/det.py, which made det-cumulative-name.out): the same calls, on a fake
 * clock that advances only in {@code work}, so the numbers are exact and match cProfile's output.
 */
final class DetProgram {

    static final String FILE = "/src/pa/det.py";
    static final ScopeName WORK = ScopeName.of(FILE, 4, "work");
    static final ScopeName RECURSE = ScopeName.of(FILE, 6, "recurse_and_sleep");
    static final ScopeName A = ScopeName.of(FILE, 11, "a");
    static final ScopeName B = ScopeName.of(FILE, 14, "b");
    static final ScopeName MAIN = ScopeName.of(FILE, 17, "main");
    static final ScopeName DISABLE = ScopeName.of("<method 'disable' of '_lsprof.Profiler' objects>");

    private final FakeClock clock;

    DetProgram(FakeClock clock) {
        this.clock = clock;
    }

    void work(int ms) {
        try (Scope s = Profile.scope(WORK)) {
            clock.advanceMillis(ms);
        }
    }

    void recurseAndSleep(int c, int n) {
        try (Scope s = Profile.scope(RECURSE)) {
            work(10);
            if (c < n) {
                recurseAndSleep(c + 1, n);
            }
            work(1);
        }
    }

    void a(int n) {
        try (Scope s = Profile.scope(A)) {
            work(2);
            if (n > 0) {
                b(n - 1);
            }
        }
    }

    void b(int n) {
        try (Scope s = Profile.scope(B)) {
            work(3);
            if (n > 0) {
                a(n - 1);
            }
        }
    }

    void main() {
        try (Scope s = Profile.scope(MAIN)) {
            recurseAndSleep(0, 3);
            recurseAndSleep(0, 1);
            a(4);
        }
        // cProfile always shows the call that stopped it
        try (Scope s = Profile.scope(DISABLE)) {
            clock.advanceNanos(0);
        }
    }
}
