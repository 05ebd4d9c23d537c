package dev.treeprof.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The last profiles of a {@link RequestProfiling}, kept in memory for programmatic access (e.g. a
 * debug endpoint or treeprof's viewer): at most {@link #capacity()} of them, each for at most
 * {@link #maxAge()}. Thread-safe and lock-free: adding a profile is one counter increment and one
 * array store, so a busy server's request threads never wait for each other here.
 *
 * <p>The count bound is exact: the newest profile replaces the oldest. Memory is therefore
 * bounded by the capacity whatever the request rate; a profile past its age is no longer listed
 * and is released by the next {@link #list()}, {@link #get}, {@link #size()} or add.
 *
 * <p>{@link #version()} tells a poller (treeprof's live viewer) whether anything changed since it
 * last looked without listing: read the version, then list; the same version later means the
 * same profiles.
 */
public final class RecentProfiles {

    private final int capacity;
    private final Duration maxAge;
    private final long maxAgeNanos;
    private final LongSupplier ticker;
    private final AtomicReferenceArray<Entry> slots;
    private final AtomicLong added = new AtomicLong();
    /** Counts changes once they are visible: bumped after a slot is stored or released, never before. */
    private final AtomicLong changes = new AtomicLong();
    private final LongSupplier droppedOutputs;

    private static final class Entry {
        final RequestProfile profile;
        final long addedNanos;

        Entry(RequestProfile profile, long addedNanos) {
            this.profile = profile;
            this.addedNanos = addedNanos;
        }
    }

    RecentProfiles(int capacity, Duration maxAge, LongSupplier ticker) {
        this(capacity, maxAge, ticker, () -> 0);
    }

    RecentProfiles(int capacity, Duration maxAge, LongSupplier ticker, LongSupplier droppedOutputs) {
        this.capacity = capacity;
        this.maxAge = maxAge;
        this.maxAgeNanos = maxAge.toNanos();
        this.ticker = ticker;
        this.slots = new AtomicReferenceArray<>(Math.max(capacity, 1));
        this.droppedOutputs = droppedOutputs;
    }

    void add(RequestProfile profile) {
        if (capacity == 0) {
            return;
        }
        long n = added.getAndIncrement();
        slots.set((int) (n % capacity), new Entry(profile, ticker.getAsLong()));
        // after the store: a poller that reads this version and then lists sees this profile
        changes.incrementAndGet();
    }

    /**
     * A number that changes whenever the kept profiles change: a profile added (and so the oldest
     * replaced), one released for its age, or {@link #clear()}. Lock-free, one read. A poller reads
     * it before {@link #list()}: a later read that returns the same number means the list is the
     * same, except for profiles past their age, which are noticed (and counted here) only by
     * {@link #list()}, {@link #get}, {@link #size()} or the next add; call {@link #size()} first to
     * account for them.
     */
    public long version() {
        return changes.get();
    }

    /** The kept profiles, newest first. */
    public List<RequestProfile> list() {
        List<RequestProfile> all = new ArrayList<>(capacity);
        long now = ticker.getAsLong();
        for (int i = 0; i < capacity; i++) {
            Entry e = live(i, now);
            if (e != null) {
                all.add(e.profile);
            }
        }
        all.sort(Comparator.comparingLong(RequestProfile::sequence).reversed());
        return all;
    }

    /** The slot's entry if it is young enough; an expired one is released. */
    private Entry live(int slot, long now) {
        Entry e = slots.get(slot);
        if (e == null) {
            return null;
        }
        if (now - e.addedNanos > maxAgeNanos) {
            if (slots.compareAndSet(slot, e, null)) {
                changes.incrementAndGet();
            }
            return null;
        }
        return e;
    }

    /** The kept profile with this id; empty when unknown, replaced or expired. */
    public Optional<RequestProfile> get(String id) {
        if (id == null) {
            return Optional.empty();
        }
        long now = ticker.getAsLong();
        for (int i = 0; i < capacity; i++) {
            Entry e = live(i, now);
            if (e != null && e.profile.id().equals(id)) {
                return Optional.of(e.profile);
            }
        }
        return Optional.empty();
    }

    /** How many profiles are kept now. */
    public int size() {
        long now = ticker.getAsLong();
        int n = 0;
        for (int i = 0; i < capacity; i++) {
            if (live(i, now) != null) {
                n++;
            }
        }
        return n;
    }

    /** Forgets every kept profile. */
    public void clear() {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.getAndSet(i, null) != null) {
                changes.incrementAndGet();
            }
        }
    }

    /** The most profiles kept; 0 keeps none. */
    public int capacity() {
        return capacity;
    }

    /** How long a profile is kept. */
    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Reports and files that were not produced because the background writer's queue was full
     * (the profile itself is still kept here): the price of never making a request wait for the
     * disk. Also logged, at most once a minute.
     */
    public long droppedOutputs() {
        return droppedOutputs.getAsLong();
    }
}
