package dev.treeprof.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutputQueueTest {

    private static double shareWith(String value) {
        String before = System.getProperty(OutputQueue.SHARE_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(OutputQueue.SHARE_PROPERTY);
            } else {
                System.setProperty(OutputQueue.SHARE_PROPERTY, value);
            }
            return OutputQueue.machineShare();
        } finally {
            if (before == null) {
                System.clearProperty(OutputQueue.SHARE_PROPERTY);
            } else {
                System.setProperty(OutputQueue.SHARE_PROPERTY, before);
            }
        }
    }

    @Test
    void theWritersCpuShareIsAQuarterUnlessAValidShareIsSet() {
        assertEquals(0.25, shareWith(null));
        assertEquals(0.5, shareWith("0.5"));
        assertEquals(2.0, shareWith(" 2 "), "1 or more: the writer never rests");
        for (String bad : new String[] {"", "abc", "0", "-0.5", "NaN", "Infinity"}) {
            assertEquals(0.25, shareWith(bad), "a bad value is warned about and the default used: " + bad);
        }
    }
}
