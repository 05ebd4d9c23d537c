package dev.treeprof;

/** Shared scope and binding that do nothing; an enum so the JIT sees a single, empty method. */
enum NoopScope implements Scope, Binding {
    INSTANCE;

    @Override
    public void close() {
    }
}
