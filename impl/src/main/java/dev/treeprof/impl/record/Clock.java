package dev.treeprof.impl.record;

/** The time source of the recorder, in nanoseconds. Replaceable so tests get exact arithmetic. */
@FunctionalInterface
public interface Clock {

    /** {@link System#nanoTime()}. */
    Clock SYSTEM = System::nanoTime;

    long nanoTime();
}
