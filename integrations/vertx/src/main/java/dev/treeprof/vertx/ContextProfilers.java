package dev.treeprof.vertx;

import dev.treeprof.Binding;
import dev.treeprof.Profiler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which profiler is bound to a Vert.x context: the storage behind {@link VertxProfilerLookup}; and
 * which request a {@link ProfilerHandler} passed over on it ({@link #PASSED_OVER}).
 *
 * <p>The HTTP server runs every request on its own duplicated context, and Vert.x makes that
 * context current again for every callback of the request (future continuations, timers,
 * {@code executeBlocking} on a worker, client responses). A profiler bound to the request's
 * context is therefore found from any of those hops with {@code Vertx.currentContext()}, while
 * other requests' callbacks on the same event loop find their own.
 *
 * <p>Two stores, chosen per {@code Vertx} instance:
 * <ul>
 *   <li>the context-local slot {@link #LOCAL}, Vert.x's own per-context storage (inherited by
 *       further duplicates, collected with the context). Vert.x sizes each instance's slot table
 *       when the instance is built, so the slot works only in instances built after it was
 *       registered: {@link TreeprofVertxServiceProvider} registers it while the first instance is
 *       built.</li>
 *   <li>for an instance built before the registration (the provider was not loaded: another class
 *       loader, a shaded jar without service files), an identity map from context to profiler.
 *       Entries leave it when the request ends; it holds at most {@value #FALLBACK_CAPACITY}.</li>
 * </ul>
 * Which store an instance uses is probed once and cached. While every instance uses the slot, a
 * lookup costs two volatile reads, {@code Vertx.currentContext()} and the slot read; once some
 * instance needs the map, an identity compare of the context's instance is added. It never
 * allocates.
 */
final class ContextProfilers {

    private static final Logger LOG = LoggerFactory.getLogger(ContextProfilers.class);

    /** Most contexts bound at once in the fallback map; more are refused (logged once). */
    static final int FALLBACK_CAPACITY = 10_000;

    /** The slot; null when this Vert.x has no context-local API (before 4.5.5). */
    static final ContextLocal<Profiler> LOCAL = register();
    /**
     * The request a handler last passed over on a context (sampling or a selection said no), so a
     * rerouted request keeps that decision. A slot write costs no allocation, where a mark in the
     * routing context's data allocates its map for nearly every request of a sampled server.
     * Holding the request itself, not a flag, leaves a context shared by several requests
     * harmless: a later request is never taken for the one passed over. Null like {@link #LOCAL}.
     */
    static final ContextLocal<Object> PASSED_OVER = registerPassedOver();

    private static final ConcurrentHashMap<Context, Profiler> FALLBACK = new ConcurrentHashMap<>();
    /** Contexts bound now; while 0 a lookup returns without asking Vert.x anything. */
    private static final AtomicInteger BOUND = new AtomicInteger();
    /** Per Vertx instance: whether the slot works there. Guarded by itself. */
    private static final Map<Vertx, OwnerMode> MODES = new WeakHashMap<>();
    private static volatile OwnerMode last = new OwnerMode(null, false);
    /**
     * True while every Vertx instance seen uses the slot (the usual case): a lookup then reads the
     * slot straight away, without finding the context's instance and its mode first. Turned off for
     * good by the first instance that needs the fallback map; no context of such an instance can be
     * bound before that, so while it is on, a context whose instance rejects the slot has nothing bound.
     */
    private static volatile boolean slotOnly = LOCAL != null;
    private static final AtomicBoolean WARNED_FALLBACK = new AtomicBoolean();
    private static final AtomicBoolean WARNED_FULL = new AtomicBoolean();

    private ContextProfilers() {
    }

    private static ContextLocal<Profiler> register() {
        try {
            return ContextLocal.registerLocal(Profiler.class);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("treeprof: this Vert.x has no ContextLocal (4.5.5+); request profiles use a context map", e);
            return null;
        }
    }

    private static ContextLocal<Object> registerPassedOver() {
        if (LOCAL == null) {
            return null;
        }
        try {
            return ContextLocal.registerLocal(Object.class);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("treeprof: no second context-local slot; passed-over requests are marked in their routing context", e);
            return null;
        }
    }

    /**
     * Notes on the context that this request was passed over; false when the context's instance
     * has no slot for it (the caller marks the request another way).
     */
    static boolean markPassedOver(Context ctx, Object request) {
        if (!passedOverSlotServes(ctx)) {
            return false;
        }
        try {
            PASSED_OVER.put(ctx, request);
            return true;
        } catch (IllegalArgumentException e) {
            return false; // an instance sized between the two registrations: it has the first slot only
        }
    }

    /** Whether this request was passed over on this context ({@link #markPassedOver}). */
    static boolean passedOver(Context ctx, Object request) {
        if (!passedOverSlotServes(ctx)) {
            return false;
        }
        try {
            return PASSED_OVER.get(ctx) == request;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean passedOverSlotServes(Context ctx) {
        return PASSED_OVER != null && ctx != null && usesSlot(ctx);
    }

    /** Loads this class, which registers the slots. */
    static void registered() {
        // The static initialiser did the work.
    }

    /** The profiler bound to the current Vert.x context, or null. Never throws, never allocates. */
    static Profiler current() {
        if (BOUND.get() == 0) {
            return null;
        }
        try {
            Context ctx = Vertx.currentContext();
            if (ctx == null) {
                return null;
            }
            return slotOnly ? slot(ctx) : get(ctx);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The slot of a context while every instance seen uses the slot. */
    private static Profiler slot(Context ctx) {
        try {
            return LOCAL.get(ctx);
        } catch (IllegalArgumentException e) {
            // an instance built before the slot was registered (Vert.x rejects the slot there): learn
            // its mode once, which turns slotOnly off, so this exception is not thrown per scope
            mode(ctx);
            return null;
        }
    }

    /** The profiler bound to this context, or null. */
    static Profiler get(Context ctx) {
        return mode(ctx).local ? LOCAL.get(ctx) : FALLBACK.get(ctx);
    }

    /** Whether the context-local slot serves this context's Vertx instance (else the fallback map does). */
    static boolean usesSlot(Context ctx) {
        return mode(ctx).local;
    }

    /**
     * Binds the profiler to the context until the returned binding is closed, which restores the
     * previous one; returns null when the fallback map is full.
     */
    static ContextBinding bind(Context ctx, Profiler profiler) {
        Objects.requireNonNull(ctx, "context");
        Objects.requireNonNull(profiler, "profiler");
        boolean local = mode(ctx).local;
        Profiler previous;
        if (local) {
            previous = LOCAL.get(ctx);
            LOCAL.put(ctx, profiler);
        } else {
            if (FALLBACK.size() >= FALLBACK_CAPACITY && !FALLBACK.containsKey(ctx)) {
                if (WARNED_FULL.compareAndSet(false, true)) {
                    LOG.warn("treeprof: {} Vert.x contexts are being profiled at once without the context-local slot; "
                            + "further requests are not profiled until some end (is a request end never signalled?)",
                            FALLBACK_CAPACITY);
                }
                return null;
            }
            previous = FALLBACK.put(ctx, profiler);
        }
        BOUND.incrementAndGet();
        return new ContextBinding(ctx, profiler, previous, local, new Release());
    }

    /** Contexts bound now; for tests and diagnostics. */
    static int bound() {
        return BOUND.get();
    }

    /** Contexts in the fallback map now; for tests and diagnostics. */
    static int fallbackSize() {
        return FALLBACK.size();
    }

    private static OwnerMode mode(Context ctx) {
        Vertx owner = ctx.owner();
        OwnerMode m = last;
        return m.owner.get() == owner ? m : slowMode(owner, ctx);
    }

    private static OwnerMode slowMode(Vertx owner, Context ctx) {
        synchronized (MODES) {
            OwnerMode m = MODES.get(owner);
            if (m == null) {
                m = new OwnerMode(owner, probe(ctx));
                MODES.put(owner, m);
                if (!m.local) {
                    slotOnly = false;
                }
                if (!m.local && LOCAL != null && WARNED_FALLBACK.compareAndSet(false, true)) {
                    LOG.info("treeprof: a Vertx instance was built before treeprof's context-local slot was registered "
                            + "(TreeprofVertxServiceProvider not loaded); its requests are tracked in a context map");
                }
            }
            last = m;
            return m;
        }
    }

    /** Whether the slot is usable in the context's instance: Vert.x throws for a slot registered after it was built. */
    private static boolean probe(Context ctx) {
        if (LOCAL == null) {
            return false;
        }
        try {
            LOCAL.get(ctx);
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether a Vertx instance uses the slot; the reference to it is weak so closed instances can go. */
    private static final class OwnerMode {
        final WeakReference<Vertx> owner;
        final boolean local;

        OwnerMode(Vertx owner, boolean local) {
            this.owner = new WeakReference<>(owner);
            this.local = local;
        }
    }

    /** Counts a binding out of {@link #BOUND} exactly once. Holds no context, so a cleaner may use it. */
    static final class Release {
        private final AtomicBoolean released = new AtomicBoolean();

        void release() {
            if (released.compareAndSet(false, true)) {
                BOUND.decrementAndGet();
            }
        }
    }

    /** A profiler bound to a context; closing restores the previous one. Idempotent, any thread. */
    static final class ContextBinding implements Binding {
        private final Context ctx;
        private final Profiler profiler;
        private final Profiler previous;
        private final boolean local;
        final Release release;

        ContextBinding(Context ctx, Profiler profiler, Profiler previous, boolean local, Release release) {
            this.ctx = ctx;
            this.profiler = profiler;
            this.previous = previous;
            this.local = local;
            this.release = release;
        }

        @Override
        public void close() {
            if (release.released.get()) {
                return;
            }
            try {
                if (local) {
                    if (LOCAL.get(ctx) == profiler) {
                        LOCAL.put(ctx, previous);
                    }
                } else if (previous == null) {
                    FALLBACK.remove(ctx, profiler);
                } else {
                    FALLBACK.replace(ctx, profiler, previous);
                }
            } catch (RuntimeException e) {
                LOG.debug("treeprof could not unbind a Vert.x context: {}", e.toString());
            } finally {
                release.release();
            }
        }
    }
}
