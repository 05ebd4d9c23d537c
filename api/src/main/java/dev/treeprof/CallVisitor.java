package dev.treeprof;

/**
 * Callbacks of {@link CallNode#walk(CallVisitor)}: a depth-first walk that never recurses, so it
 * handles trees far deeper than the Java stack.
 */
@FunctionalInterface
public interface CallVisitor {

    /**
     * A node is reached, before its children.
     *
     * @param depth 0 for the node the walk started at, 1 for its children, and so on
     * @return whether to walk the node's children; when false, {@link #exit} is not called for it
     */
    boolean enter(CallNode node, int depth);

    /** Every child of a node entered with {@code true} has been walked. */
    default void exit(CallNode node, int depth) {
    }
}
