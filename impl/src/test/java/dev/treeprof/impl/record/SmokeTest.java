package dev.treeprof.impl.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void recordsNestedScopes() {
        Profiler p = Profile.newProfiler();
        p.enable();
        for (int i = 0; i < 3; i++) {
            try (Scope a = Profile.scope("outer")) {
                try (Scope b = Profile.scope(ScopeName.of("inner"))) {
                    Thread.onSpinWait();
                }
            }
        }
        p.disable();
        Stats s = p.stats();
        System.out.println(s.sortStats("cumulative").formatStats());
        System.out.println(s.sortStats("cumulative").formatCallers());
        assertEquals(3, s.row("outer").totalCalls());
        assertEquals(3, s.row("inner").totalCalls());
    }
}
