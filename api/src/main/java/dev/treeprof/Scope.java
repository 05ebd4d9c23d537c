package dev.treeprof;

/**
 * A timed region of code on one thread, opened by {@link Profile#scope(ScopeName)} and closed by
 * try-with-resources:
 *
 * <pre>{@code
 * try (Scope scope = Profile.scope(QUERY)) {
 *     runQuery();
 * }
 * }</pre>
 *
 * <p>A scope must be closed on the thread that opened it, innermost first. Misuse (closing out of
 * order, twice, on another thread, or never) is repaired by the recorder, counted and reported once
 * through the log; it never throws into the measured code. Scope objects are reused so that opening
 * one allocates nothing: closing a scope a second time after another scope has opened at the same
 * depth closes that other scope (try-with-resources never does this).
 */
public interface Scope extends AutoCloseable {

    /** Ends the timed region. Never throws. */
    @Override
    void close();

    /** The scope returned when nothing records: closing it does nothing. */
    static Scope noop() {
        return NoopScope.INSTANCE;
    }
}
