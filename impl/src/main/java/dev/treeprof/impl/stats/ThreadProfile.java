package dev.treeprof.impl.stats;

import java.util.Objects;

/** The call tree one thread recorded, with the thread's name. */
public final class ThreadProfile {

    private final String threadName;
    private final TreeNode root;

    public ThreadProfile(String threadName, TreeNode root) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.root = Objects.requireNonNull(root, "root");
    }

    public String threadName() {
        return threadName;
    }

    /** The synthetic root; its children are the thread's top-level scopes. */
    public TreeNode root() {
        return root;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThreadProfile && threadName.equals(((ThreadProfile) o).threadName)
                && root.equals(((ThreadProfile) o).root);
    }

    @Override
    public int hashCode() {
        return threadName.hashCode() * 31 + root.hashCode();
    }

    @Override
    public String toString() {
        return "ThreadProfile[" + threadName + ": " + root + "]";
    }
}
