package dev.treeprof.impl.record;

import dev.treeprof.ScopeName;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One distinct call path in a thread's tree. Written only by the owning thread; read by any thread
 * taking stats. The owner publishes with release stores ({@code total}, {@code childCount}) that are
 * plain moves on x86, and readers use acquire loads, so a reader sees complete nodes and, once the
 * owner is quiet, exact numbers.
 */
final class Node {

    private static final VarHandle TOTAL;
    private static final VarHandle CHILD_COUNT;
    private static final VarHandle CHILDREN;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TOTAL = l.findVarHandle(Node.class, "totalNanos", long.class);
            CHILD_COUNT = l.findVarHandle(Node.class, "childCount", int.class);
            CHILDREN = l.findVarHandle(Node.class, "children", Node[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ScopeName name;
    final Node parent;
    private Node[] children = EMPTY;
    private int childCount;
    private Node lastChild;

    long calls;
    long selfNanos;
    private long totalNanos;

    private static final Node[] EMPTY = new Node[0];

    Node(ScopeName name, Node parent) {
        this.name = name;
        this.parent = parent;
    }

    /** The child for this name, if it exists; identity first, then equality. Owner thread only. */
    Node findChild(ScopeName key) {
        Node last = lastChild;
        if (last != null && last.name == key) {
            return last;
        }
        Node[] cs = children;
        int n = childCount;
        for (int i = 0; i < n; i++) {
            Node c = cs[i];
            if (c.name == key) {
                lastChild = c;
                return c;
            }
        }
        for (int i = 0; i < n; i++) {
            Node c = cs[i];
            if (c.name.equals(key)) {
                lastChild = c;
                return c;
            }
        }
        return null;
    }

    /** Adds a child. Owner thread only; publishes the child to readers. */
    Node addChild(ScopeName key) {
        Node child = new Node(key, this);
        int n = childCount;
        if (n == children.length) {
            // published with a release store: a reader that sees the new array sees its copied elements
            CHILDREN.setRelease(this, Arrays.copyOf(children, Math.max(4, n * 2)));
        }
        children[n] = child;
        CHILD_COUNT.setRelease(this, n + 1);
        lastChild = child;
        return child;
    }

    /** Records one completed activation. Owner thread only. */
    void complete(long elapsed, long self) {
        calls++;
        selfNanos += self;
        TOTAL.setRelease(this, totalNanos + elapsed);
    }

    /** Adds aggregated numbers (folding a finished tree). Owner of this node only. */
    void addTotals(long addCalls, long addTotal, long addSelf) {
        calls += addCalls;
        selfNanos += addSelf;
        TOTAL.setRelease(this, totalNanos + addTotal);
    }

    long totalAcquire() {
        return (long) TOTAL.getAcquire(this);
    }

    /** A reader's view of the children: every child published so far. */
    Node[] childrenAcquire() {
        int n = (int) CHILD_COUNT.getAcquire(this);
        return n == 0 ? EMPTY : Arrays.copyOf((Node[]) CHILDREN.getAcquire(this), n);
    }
}
