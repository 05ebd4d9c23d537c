package dev.treeprof.impl.record;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.treeprof.ScopeName;
import java.util.Optional;

/**
 * Bounded tables behind {@code Profile.scope(String)} and {@code Profile.scope()}: strings and call
 * sites map to shared {@link ScopeName}s so the tree compares names by identity. Bounded, so
 * unbounded dynamic names cost cache misses (a fresh, equal name) rather than heap.
 */
public final class NameTable {

    /** Default number of names each table keeps. */
    public static final int DEFAULT_SIZE = 10_000;

    /** The label scopes opened with a null name are recorded under. */
    public static final String NULL_LABEL = "{null scope name}";
    /** The name of scopes opened with a null name: one visible row rather than an exception. */
    public static final ScopeName NULL_NAME = ScopeName.of(NULL_LABEL);

    private static final StackWalker WALKER = StackWalker.getInstance();

    /**
     * A lock-free identity cache in front of the bounded tables, indexed by the string's hash: a
     * string literal is the same reference on every call, so the common case of
     * {@code Profile.scope("literal")} is a hash read, an array read and one identity compare
     * instead of a concurrent-map lookup and the table's bookkeeping (about 8 ns between two clock
     * reads). A slot only ever holds a name made from that very string instance ({@code
     * function() == name}), so the check needs no separate key: a racy read sees null, an older name
     * or a newer one, each of them whole (all of {@link ScopeName}'s fields are final). Equal strings
     * of other instances (names built per call) miss and never displace it. Static, so the JIT sees a
     * constant array of known length; shared by every table, which is harmless because names compare
     * by value and a slot's name is exactly what any table would have made from that string.
     */
    private static final ScopeName[] RECENT = new ScopeName[1024];
    private static final int RECENT_MASK = RECENT.length - 1;

    private final Cache<String, ScopeName> names;
    private final Cache<String, ScopeName> callSites;

    public NameTable(int maximumSize) {
        this.names = Caffeine.newBuilder().maximumSize(maximumSize).build();
        this.callSites = Caffeine.newBuilder().maximumSize(maximumSize).build();
    }

    /** The shared name for a string; {@link #NULL_NAME} for null. */
    public ScopeName intern(String name) {
        if (name == null) {
            return NULL_NAME;
        }
        int slot = slot(name);
        ScopeName cached = RECENT[slot];
        if (cached != null && cached.function() == name) {
            return cached;
        }
        return internMiss(name, slot);
    }

    private ScopeName internMiss(String name, int slot) {
        ScopeName interned = names.get(name, ScopeName::of);
        if (interned.function() == name) {
            RECENT[slot] = interned; // a racy write of a cache: readers check the reference they compare
        }
        return interned;
    }

    private static int slot(String name) {
        int h = name.hashCode(); // cached in the string after the first call
        return (h ^ (h >>> 16)) & RECENT_MASK;
    }

    /** The name of the first frame outside treeprof's own classes: {@code com/example/App.java:42(getHello)}. */
    public ScopeName callSite() {
        Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> s
                .filter(f -> !isTreeprofFrame(f.getClassName()))
                .findFirst());
        if (frame.isEmpty()) {
            return intern("<unknown call site>");
        }
        StackWalker.StackFrame f = frame.get();
        String key = f.getClassName() + '#' + f.getMethodName() + '#' + f.getLineNumber();
        return callSites.get(key, k -> ScopeName.of(sourcePath(f), Math.max(0, f.getLineNumber()), f.getMethodName()));
    }

    private static boolean isTreeprofFrame(String className) {
        return className.equals("dev.treeprof.Profile") || className.startsWith("dev.treeprof.impl.")
                || className.startsWith("dev.treeprof.spi.");
    }

    private static String sourcePath(StackWalker.StackFrame f) {
        String cls = f.getClassName();
        int dot = cls.lastIndexOf('.');
        String pkg = dot < 0 ? "" : cls.substring(0, dot + 1).replace('.', '/');
        String file = f.getFileName();
        if (file == null) {
            int dollar = cls.indexOf('$', dot + 1);
            file = (dollar < 0 ? cls.substring(dot + 1) : cls.substring(dot + 1, dollar)) + ".java";
        }
        return pkg + file;
    }
}
