package dev.treeprof.impl.record;

import dev.treeprof.Scope;
import dev.treeprof.ScopeName;
import dev.treeprof.impl.stats.TreeNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
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
    final Thread owner;
    final CallTree tree;
    private final Clock clock;
    private Frame[] frames;
    private int depth;
    /** The last instant this segment saw, used to close frames a dead thread left open. */
    private long lastNanos;

    Segment(TreeProfiler profiler, int epoch, Thread owner, int maxNodes, Clock clock) {
        this.profiler = profiler;
        this.epoch = epoch;
        this.owner = owner;
        this.tree = new CallTree(maxNodes);
        this.clock = clock;
        this.frames = new Frame[8];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new Frame(this, i);
        }
        frames[0].node = tree.root;
        frames[0].open = true;
    }

    Scope enter(ScopeName name) {
        Frame parent = frames[depth];
        Node child = tree.child(parent.node, name);
        int d = depth + 1;
        if (d == frames.length) {
            grow();
        }
        Frame f = frames[d];
        f.node = child;
        f.childNanos = 0;
        f.open = true;
        f.closedByRecorder = false;
        depth = d;
        f.start = clock.nanoTime();
        return f;
    }

    void exit(Frame f) {
        if (f.open && f.depth == depth && Thread.currentThread() == owner) {
            pop(f, clock.nanoTime());
            return;
        }
        misclose(f);
    }

    private void pop(Frame f, long now) {
        long elapsed = now - f.start;
        f.node.complete(elapsed, elapsed - f.childNanos);
        f.open = false;
        int d = f.depth - 1;
        depth = d;
        frames[d].childNanos += elapsed;
        lastNanos = now;
    }

    private void misclose(Frame f) {
        if (Thread.currentThread() != owner) {
            profiler.anomalies.report(Anomalies.Kind.WRONG_THREAD_CLOSE, "scope " + f.node.name.label());
            return;
        }
        if (!f.open || f.depth > depth) {
            if (!f.closedByRecorder) {
                profiler.anomalies.report(Anomalies.Kind.DOUBLE_CLOSE, "scope " + f.node.name.label());
            }
            f.closedByRecorder = false;
            return;
        }
        long now = clock.nanoTime();
        String inner = frames[depth].node.name.label();
        closeDownTo(f.depth, now);
        pop(f, now);
        profiler.anomalies.report(Anomalies.Kind.OUT_OF_ORDER_CLOSE,
                "closing " + f.node.name.label() + " while " + inner + " was open");
    }

    private void closeDownTo(int keepDepth, long now) {
        while (depth > keepDepth) {
            Frame top = frames[depth];
            top.closedByRecorder = true;
            pop(top, now);
        }
    }

    /** Closes every open frame now, as cProfile's disable() does. Owner thread only. */
    void flush() {
        closeDownTo(0, clock.nanoTime());
    }

    /**
     * Closes the frames a dead owner left open, at the last instant it recorded. Called by another
     * thread after {@code owner.isAlive()} returned false, which makes the owner's writes visible.
     *
     * @return how many frames were left open
     */
    int closeAbandoned() {
        int open = depth;
        closeDownTo(0, lastNanos);
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

    private void grow() {
        int old = frames.length;
        Frame[] bigger = Arrays.copyOf(frames, old * 2);
        for (int i = old; i < bigger.length; i++) {
            bigger[i] = new Frame(this, i);
        }
        frames = bigger;
    }

    /** An immutable copy of the tree as far as it is published; safe from any thread. */
    TreeNode snapshot() {
        return snapshot(tree.root);
    }

    /** Copies a node tree without recursion, so very deep trees cannot overflow the stack. */
    static TreeNode snapshot(Node root) {
        // post-order: children built before parents
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, root.childrenAcquire(), 0, new ArrayList<TreeNode>()});
        TreeNode result = null;
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node[] kids = (Node[]) top[1];
            int i = (int) top[2];
            if (i < kids.length) {
                top[2] = i + 1;
                Node k = kids[i];
                stack.push(new Object[] {k, k.childrenAcquire(), 0, new ArrayList<TreeNode>()});
                continue;
            }
            stack.pop();
            Node n = (Node) top[0];
            @SuppressWarnings("unchecked")
            List<TreeNode> built = (List<TreeNode>) top[3];
            long total = n.totalAcquire();
            TreeNode t = new TreeNode(n.name, n.calls, total, n.selfNanos, built);
            if (stack.isEmpty()) {
                result = t;
            } else {
                @SuppressWarnings("unchecked")
                List<TreeNode> parentKids = (List<TreeNode>) stack.peek()[3];
                parentKids.add(t);
            }
        }
        return result;
    }
}
