package dev.treeprof.spi;

/**
 * One process-wide flag that is on while any profiler records anywhere. {@link dev.treeprof.Profile}
 * reads it before anything else, so a scope costs one field read while nothing records.
 *
 * <p>Only the provider the API is bound to can flip it: it receives the one {@link Control}
 * through {@link ProfilerProvider#bound(Control)}. Application code can read the flag, never set it.
 */
public final class RecordingSwitch {

    private static volatile boolean on;

    private RecordingSwitch() {
    }

    /** Whether any profiler may record. */
    public static boolean isOn() {
        return on;
    }

    /** The right to flip the switch, made by the API once and handed to the bound provider only. */
    public static final class Control {

        Control() {
        }

        /** Called by the provider when the first profiler starts and after the last one stops. */
        public void set(boolean value) {
            on = value;
        }
    }
}
