package dev.treeprof.impl.record;

import dev.treeprof.Scope;

/**
 * One open activation on a segment's stack, handed to the user as the {@link Scope}. Frames are
 * preallocated per depth and reused, so opening a scope allocates nothing.
 */
final class Frame implements Scope {

    final Segment segment;
    final int depth;
    Node node;
    long start;
    /** Elapsed time of the children closed so far, to derive this activation's self time. */
    long childNanos;
    boolean open;
    /** Closed by the recorder (disable, repair) rather than by the user: a later close is expected. */
    boolean closedByRecorder;

    Frame(Segment segment, int depth) {
        this.segment = segment;
        this.depth = depth;
    }

    @Override
    public void close() {
        segment.exit(this);
    }
}
