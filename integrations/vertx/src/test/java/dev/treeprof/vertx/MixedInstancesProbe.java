package dev.treeprof.vertx;

import dev.treeprof.Binding;
import dev.treeprof.Profile;
import dev.treeprof.Profiler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * Run in a fresh JVM without the service file by {@link RegistrationTimingTest}: one {@code Vertx}
 * built before treeprof registered its slot (it rejects the slot) and one built after (it takes
 * it), as when a library builds its own instance early. The lookup must answer each context from
 * its own store, and a context of the first instance must answer "none" while only the second has
 * bindings (the lookup then reads the slot directly, and the first instance rejects it).
 */
public final class MixedInstancesProbe {

    private MixedInstancesProbe() {
    }

    public static void main(String[] args) throws Exception {
        Vertx early = Vertx.vertx();
        ContextProfilers.registered();
        Vertx late = Vertx.vertx();
        int code = 1;
        try {
            code = run(early, late);
        } finally {
            Support.await(early.close());
            Support.await(late.close());
        }
        System.exit(code);
    }

    private static int run(Vertx early, Vertx late) {
        VertxProfilerLookup lookup = VertxProfilerLookup.install();
        ContextInternal onEarly = ((ContextInternal) early.getOrCreateContext()).duplicate();
        ContextInternal onLate = ((ContextInternal) late.getOrCreateContext()).duplicate();
        Profiler lateProfiler = Profile.newProfiler();
        Profiler earlyProfiler = Profile.newProfiler();
        lateProfiler.start();
        earlyProfiler.start();
        StringBuilder out = new StringBuilder("mixed:");
        try (Binding b = VertxProfilerLookup.attach(onLate, lateProfiler)) {
            out.append(" late=").append(currentOn(onLate, lookup) == lateProfiler);
            out.append(" earlyUnbound=").append(currentOn(onEarly, lookup) == null);
            out.append(" earlyUnboundAgain=").append(currentOn(onEarly, lookup) == null);
            try (Binding e = VertxProfilerLookup.attach(onEarly, earlyProfiler)) {
                out.append(" early=").append(currentOn(onEarly, lookup) == earlyProfiler);
                out.append(" lateStill=").append(currentOn(onLate, lookup) == lateProfiler);
                out.append(" earlySlot=").append(ContextProfilers.usesSlot(onEarly));
                out.append(" lateSlot=").append(ContextProfilers.usesSlot(onLate));
            }
            out.append(" earlyAfter=").append(currentOn(onEarly, lookup) == null);
        } finally {
            lateProfiler.disable();
            earlyProfiler.disable();
        }
        out.append(" bound=").append(ContextProfilers.bound());
        System.out.println(out);
        return 0;
    }

    /** What the lookup answers with the context current on this thread, as Vert.x makes it for a callback. */
    private static Profiler currentOn(ContextInternal context, VertxProfilerLookup lookup) {
        ContextInternal previous = context.beginDispatch();
        try {
            return lookup.current();
        } finally {
            context.endDispatch(previous);
        }
    }
}
