package dev.treeprof.impl.record;

import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.CallNode;
import dev.treeprof.impl.stats.TreeNodes;
import java.util.Arrays;
import java.util.List;

/**
 * What one thread records into one profiler: its call tree and its stack of open frames. Only the
 * owner thread writes it, so entering and leaving a scope takes no lock; the frames are reused,
 * so it allocates nothing once the tree has the paths and the stack has been as deep before.
 */
final class Segment {

    /** The thread name shown for threads without a name (virtual threads, typically). */
    static final String UNNAMED = "(unnamed threads)";

    final TreeProfiler profiler;
    final int epoch;
    /** The thread state that caches this segment, told to forget it when the profiler stops. */
    final ThreadState state;
    final Thread owner;
    final CallTree tree;
    private final Clock clock;
    /** The bottom of the stack: stands for the tree's root, never handed out, never closed. */
    private final Frame root;
    /** The innermost open frame; {@link #root} when no scope is open. */
    private Frame top;
    /** Scopes opened inside the overflow node past the node cap: counted, their time is the outer one's. */
    private int overflowDepth;
    private final Scope nestedOverflow = this::exitNestedOverflow;
    /** Whether the node cap was reported for this tree; guarded by the profiler's lock. */
    boolean overflowReported;

    Segment(TreeProfiler profiler, int epoch, ThreadState state, int maxNodes, Clock clock) {
        this.profiler = profiler;
        this.epoch = epoch;
        this.state = state;
        this.owner = state.thread;
        this.tree = new CallTree(maxNodes, profiler.anomalies);
        this.clock = clock;
        this.root = new Frame(this, null);
        root.node = tree.root;
        root.state = Frame.OPEN;
        this.top = root;
    }

    Scope enter(ScopeName name) {
        Frame parent = top;
        if (parent.closedElsewhere) {
            parent = unwindClosedElsewhere();
        }
        Node child = tree.child(parent.node, name);
        if (child == parent.node) {
            // only the overflow node is its own child: a nested activation past the node cap
            overflowDepth++;
            return nestedOverflow;
        }
        Frame f = parent.child;
        if (f == null || f.state == Frame.CLOSED_BY_RECORDER) {
            // deeper than ever before, or a frame whose user may still close it: never reuse that one
            f = new Frame(this, parent);
            parent.child = f;
        }
        f.node = child;
        f.childNanos = 0;
        f.state = Frame.OPEN;
        top = f;
        f.start = clock.nanoTime();
        return f;
    }

    void exit(Frame f) {
        // the top frame is open by construction; anything else is misuse
        if (f == top && Thread.currentThread() == owner) {
            pop(f, clock.nanoTime(), Frame.CLOSED);
            return;
        }
        misclose(f);
    }

    private void pop(Frame f, long now, byte closedState) {
        long elapsed = now - f.start;
        f.node.complete(elapsed, elapsed - f.childNanos);
        f.state = closedState;
        Frame parent = f.parent;
        parent.childNanos += elapsed;
        top = parent;
    }

    private void misclose(Frame f) {
        if (Thread.currentThread() != owner) {
            // the owner may be using its stack right now: only mark the frame; the owner unwinds it
            if (!f.closedElsewhere) {
                f.closedElsewhereAt = clock.nanoTime();
                f.closedElsewhere = true;
            }
            profiler.anomalies.report(Anomalies.Kind.WRONG_THREAD_CLOSE, "scope " + f.node.name.label()
                    + " opened on thread " + threadName() + ", closed on thread " + Thread.currentThread().getName());
            return;
        }
        if (top.closedElsewhere) {
            unwindClosedElsewhere();
            if (f == top) {
                pop(f, clock.nanoTime(), Frame.CLOSED);
                return;
            }
        }
        if (f.state != Frame.OPEN) {
            if (f.state == Frame.CLOSED) {
                profiler.anomalies.report(Anomalies.Kind.DOUBLE_CLOSE, "scope " + f.node.name.label());
            }
            f.state = Frame.CLOSED; // the one expected late close of a repaired frame has happened
            return;
        }
        // open but not on top: scopes opened inside it are still open; close them with it
        long now = clock.nanoTime();
        String inner = top.node.name.label();
        closeDownTo(f, now);
        pop(f, now, Frame.CLOSED);
        profiler.anomalies.report(Anomalies.Kind.OUT_OF_ORDER_CLOSE,
                "closing " + f.node.name.label() + " while " + inner + " was open");
    }

    /** Pops the frames on top that other threads closed, at the instants they closed them. Owner only. */
    private Frame unwindClosedElsewhere() {
        while (top != root && top.closedElsewhere) {
            Frame t = top;
            pop(t, Math.max(t.start + t.childNanos, t.closedElsewhereAt), Frame.CLOSED_BY_RECORDER);
        }
        return top;
    }

    private void exitNestedOverflow() {
        if (Thread.currentThread() != owner || overflowDepth == 0) {
            profiler.anomalies.report(Thread.currentThread() != owner ? Anomalies.Kind.WRONG_THREAD_CLOSE
                    : Anomalies.Kind.DOUBLE_CLOSE, "a scope past the node limit");
            return;
        }
        overflowDepth--;
        tree.overflowNode().calls++; // its time is inside the enclosing overflow activation's
    }

    /** Closes every frame above {@code keep}, marking them as closed by the recorder. */
    private void closeDownTo(Frame keep, long now) {
        while (top != keep && top != root) {
            pop(top, now, Frame.CLOSED_BY_RECORDER);
        }
    }

    /** Closes every open frame now, as cProfile's disable() does. Owner thread only. */
    void flush() {
        closeDownTo(root, clock.nanoTime());
        overflowDepth = 0;
    }

    /**
     * Closes the frames a dead owner left open, at the last instant the recorder knows of: the end
     * of the innermost open frame's last closed child (or its start). Called by another thread after
     * {@code owner.isAlive()} returned false, which makes the owner's writes visible.
     *
     * @return how many frames were left open
     */
    int closeAbandoned() {
        int open = 0;
        for (Frame f = top; f != root; f = f.parent) {
            open++;
        }
        closeDownTo(root, top.start + top.childNanos);
        return open;
    }

    boolean ownerAlive() {
        return owner.isAlive();
    }

    String threadName() {
        // virtual threads are usually unnamed: one shared name keeps the per-thread view readable
        String n = owner.getName();
        return n.isEmpty() ? UNNAMED : n;
    }

    /** An immutable copy of the tree as far as it is published; safe from any thread. */
    CallNode snapshot() {
        return snapshot(tree.root);
    }

    /** Most nodes are leaves: they share one empty list rather than each wrapping an empty array. */
    private static List<Node> childrenAcquire(Node n) {
        Node[] children = n.childrenAcquire();
        return children.length == 0 ? List.of() : Arrays.asList(children);
    }

    /** Copies a node tree without recursion, so very deep trees cannot overflow the stack. */
    static CallNode snapshot(Node root) {
        // the acquire load of the total comes first: it makes the owner's earlier writes of calls and self visible
        return TreeNodes.build(root, Segment::childrenAcquire, (n, kids) -> {
            long total = n.totalAcquire();
            return CallNode.of(n.name, n.calls, total, n.selfNanos, kids);
        });
    }
}
