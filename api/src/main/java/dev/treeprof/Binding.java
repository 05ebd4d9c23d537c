package dev.treeprof;

/**
 * Makes a {@link Profiler} the current one for the calling thread until closed; closing restores
 * whatever was current before. Returned by {@link Profiler#attach()}. Close it on the thread that
 * created it, in reverse order of creation (try-with-resources does both). Never throws.
 */
public interface Binding extends AutoCloseable {

    @Override
    void close();

    /** A binding that binds nothing. */
    static Binding noop() {
        return NoopScope.INSTANCE;
    }
}
