package dev.treeprof;

import java.util.Objects;

/**
 * The identity of a scope, the JVM twin of cProfile's function key {@code (file, line, name)}.
 *
 * <p>Names made by {@link #of(String)} stand for code that has no source position; they use the
 * file {@code "~"} and line {@code 0}, exactly as cProfile keys its built-ins, and so print as the
 * bare name in pstats tables ({@code db.query}). Call-site names made by {@link #of(String, int,
 * String)} print as {@code com/example/App.java:42(getHello)}.
 *
 * <p>Keep names in {@code static final} fields: the recorder finds a scope's node by comparing
 * the name's identity first, so a pre-made name skips every lookup on the hot path. Two names with
 * the same file, line and function are {@linkplain #equals(Object) equal} and are merged in stats.
 */
public final class ScopeName implements Comparable<ScopeName> {

    /** The file of names that have no source position, as in cProfile. */
    public static final String NO_FILE = "~";

    private final String file;
    private final int line;
    private final String function;
    private final int hash;

    private ScopeName(String file, int line, String function) {
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.function = Objects.requireNonNull(function, "function");
        this.hash = (file.hashCode() * 31 + line) * 31 + function.hashCode();
    }

    /**
     * A name without source position, printed as is (e.g. {@code "db.query"}).
     *
     * @throws NullPointerException if {@code name} is null
     */
    public static ScopeName of(String name) {
        return new ScopeName(NO_FILE, 0, name);
    }

    /**
     * A name with a source position, printed as {@code file:line(function)}.
     *
     * @throws NullPointerException if {@code file} or {@code function} is null
     */
    public static ScopeName of(String file, int line, String function) {
        return new ScopeName(file, line, function);
    }

    /** The source file, or {@value #NO_FILE} for a name without position. */
    public String file() {
        return file;
    }

    /** The line number, 0 for a name without position. */
    public int line() {
        return line;
    }

    /** The function (or scope) name. */
    public String function() {
        return function;
    }

    /**
     * The label pstats prints for this key: {@code file:line(function)}, or for file {@code "~"}
     * and line 0 the bare function name with a surrounding {@code <...>} shown as {@code {...}}.
     */
    public String label() {
        if (NO_FILE.equals(file) && line == 0) {
            if (function.startsWith("<") && function.endsWith(">") && function.length() >= 2) {
                return "{" + function.substring(1, function.length() - 1) + "}";
            }
            return function;
        }
        return file + ":" + line + "(" + function + ")";
    }

    /** Orders as pstats orders keys: by file, then line, then function. */
    @Override
    public int compareTo(ScopeName other) {
        int c = file.compareTo(other.file);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(line, other.line);
        return c != 0 ? c : function.compareTo(other.function);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ScopeName)) {
            return false;
        }
        ScopeName other = (ScopeName) o;
        return hash == other.hash && line == other.line && file.equals(other.file)
                && function.equals(other.function);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The same as {@link #label()}. */
    @Override
    public String toString() {
        return label();
    }
}
