package dev.treeprof.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.treeprof.Profiler;
import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.Stats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TreeprofProviderTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(TreeprofProvider.MAX_NODES_PROPERTY);
    }

    private static Stats recordFiveNames(TreeprofProvider provider, Profiler p) {
        p.start();
        try {
            for (int i = 0; i < 5; i++) {
                try (Scope s = provider.enter(ScopeName.of("f" + i))) {
                    // a new path each time
                }
            }
        } finally {
            p.disable();
        }
        return p.stats();
    }

    @Test
    void theProcessWideProfilerHonoursTheNodeCap() {
        System.setProperty(TreeprofProvider.MAX_NODES_PROPERTY, "3");
        TreeprofProvider provider = new TreeprofProvider();
        Stats s = recordFiveNames(provider, provider.defaultProfiler());
        assertNotNull(s.row("{treeprof: node limit reached}"), s.formatStats());
        assertEquals(2, s.row("{treeprof: node limit reached}").totalCalls());
        assertEquals(4, s.rows().size());
    }

    @Test
    void aBadNodeCapFallsBackToTheDefault() {
        System.setProperty(TreeprofProvider.MAX_NODES_PROPERTY, "-2");
        TreeprofProvider provider = new TreeprofProvider();
        Stats s = recordFiveNames(provider, provider.defaultProfiler());
        assertEquals(5, s.rows().size());
    }
}
