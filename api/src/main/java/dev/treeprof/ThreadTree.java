package dev.treeprof;

import java.util.Objects;

/**
 * The call tree one thread recorded. Its {@link #root()} is synthetic (named {@link #ROOT},
 * printed {@code {root}}): its children are the scopes the thread opened at the top level.
 * Threads of the same name may appear more than once in a {@link CallTree} (e.g. a pool thread
 * that recorded, ended, and was replaced by a namesake).
 */
public final class ThreadTree {

    /** The name of every synthetic root. */
    public static final ScopeName ROOT = ScopeName.of("<root>");

    private final String threadName;
    private final CallNode root;

    private ThreadTree(String threadName, CallNode root) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.root = Objects.requireNonNull(root, "root");
    }

    /**
     * The tree of a thread.
     *
     * @throws NullPointerException if an argument is null
     */
    public static ThreadTree of(String threadName, CallNode root) {
        return new ThreadTree(threadName, root);
    }

    /** The name of the thread that recorded (threads without a name share one, see the recorder's docs). */
    public String threadName() {
        return threadName;
    }

    /** The synthetic root; its children are the thread's top-level scopes. */
    public CallNode root() {
        return root;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThreadTree && threadName.equals(((ThreadTree) o).threadName)
                && root.equals(((ThreadTree) o).root);
    }

    @Override
    public int hashCode() {
        return threadName.hashCode() * 31 + root.hashCode();
    }

    @Override
    public String toString() {
        return "ThreadTree[" + threadName + ": " + root + "]";
    }
}
