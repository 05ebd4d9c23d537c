package dev.treeprof.spi;

/**
 * One process-wide flag that is on while any profiler records anywhere. {@link dev.treeprof.Profile}
 * reads it before anything else, so a scope costs one field read while nothing records. Only a
 * {@link ProfilerProvider} sets it.
 */
public final class RecordingSwitch {

    private static volatile boolean on;

    private RecordingSwitch() {
    }

    /** Whether any profiler may record. */
    public static boolean isOn() {
        return on;
    }

    /** Called by the provider when the first profiler starts and after the last one stops. */
    public static void set(boolean value) {
        on = value;
    }
}
