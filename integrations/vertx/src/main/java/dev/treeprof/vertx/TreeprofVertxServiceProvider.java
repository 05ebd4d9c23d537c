package dev.treeprof.vertx;

import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;

/**
 * Registers treeprof's Vert.x context-local slot while a {@code Vertx} instance is being built.
 * Not for direct use: Vert.x finds it through {@code META-INF/services} and instantiates it before
 * it takes the snapshot of context-local slots, so the slot works in every {@code Vertx} built
 * while this jar is on the class path, however late the first {@link ProfilerHandler} is made.
 *
 * <p>The class has no state and {@code init} does nothing: loading the class is what registers
 * the slot (in {@link ContextProfilers}' static initialiser).
 *
 * <p>The interface's one method takes {@code io.vertx.core.internal.VertxBootstrap} in Vert.x 5
 * and {@code io.vertx.core.impl.VertxBuilder} in Vert.x 4.5, and a provider missing the one its
 * Vert.x calls breaks the creation of every {@code Vertx} ({@code AbstractMethodError}). This
 * class declares both, so the jar serves both majors; the method of the other major is never
 * called, and the JVM never loads its missing parameter type.
 */
public final class TreeprofVertxServiceProvider implements VertxServiceProvider {

    static {
        ContextProfilers.registered();
    }

    /** Called by {@link java.util.ServiceLoader}. */
    public TreeprofVertxServiceProvider() {
    }

    /** Vert.x 5: nothing to do, the slot was registered when this class was loaded. */
    @Override
    public void init(VertxBootstrap bootstrap) {
    }

    /** Vert.x 4.5: nothing to do, the slot was registered when this class was loaded. */
    public void init(io.vertx.core.impl.VertxBuilder builder) {
    }
}
