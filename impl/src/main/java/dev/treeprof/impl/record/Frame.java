package dev.treeprof.impl.record;

import dev.treeprof.Scope;

/**
 * One activation on a segment's stack, handed to the user as the {@link Scope}. Frames form a
 * linked stack and are reused level by level, so opening a scope allocates nothing once the stack
 * has been that deep.
 */
final class Frame implements Scope {

    static final byte CLOSED = 0;
    static final byte OPEN = 1;
    /**
     * Closed by the recorder (disable, repair) or on another thread: the user's own close may still
     * come and is not misuse. Such a frame is never reused for a later scope, so that late close
     * cannot end a scope it does not belong to.
     */
    static final byte CLOSED_BY_RECORDER = 2;

    final Segment segment;
    final Frame parent;
    /** The frame reused for the next level up, made on first use. */
    Frame child;
    Node node;
    long start;
    /** Elapsed time of the children closed so far, to derive this activation's self time. */
    long childNanos;
    byte state;
    /**
     * Set (once) by a thread other than the owner that closed this frame; the owner unwinds it at
     * its next scope. Frames it marks are never reused, so the flag is never reset.
     */
    volatile boolean closedElsewhere;
    /** When the other thread closed it; written before {@link #closedElsewhere}. */
    long closedElsewhereAt;

    Frame(Segment segment, Frame parent) {
        this.segment = segment;
        this.parent = parent;
    }

    @Override
    public void close() {
        segment.exit(this);
    }
}
