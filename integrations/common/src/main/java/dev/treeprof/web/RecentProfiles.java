package dev.treeprof.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last profiles of a {@link RequestProfiling}, kept in memory for programmatic access (e.g. a
 * debug endpoint): at most {@link #capacity()} of them, each for at most {@link #maxAge()}.
 * Thread-safe.
 *
 * <p>The count bound is exact and drops the oldest first. (Caffeine's own size bound would not:
 * its TinyLFU admission may reject the newest entry, while "the last N requests" is wanted here,
 * so Caffeine provides the age bound and its write-order view supplies the oldest entries.)
 */
public final class RecentProfiles {

    private final int capacity;
    private final Duration maxAge;
    private final Cache<String, RequestProfile> cache;

    RecentProfiles(int capacity, Duration maxAge, Ticker ticker) {
        this.capacity = capacity;
        this.maxAge = maxAge;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(maxAge)
                .ticker(ticker)
                // Maintenance on the caller: no work lands on the common pool, and tests see bounds at once.
                .executor(Runnable::run)
                .build();
    }

    void add(RequestProfile profile) {
        if (capacity == 0) {
            return;
        }
        synchronized (this) {
            cache.put(profile.id(), profile);
            cache.cleanUp();
            long excess = cache.estimatedSize() - capacity;
            if (excess > 0) {
                Map<String, RequestProfile> oldest = cache.policy().expireAfterWrite().orElseThrow()
                        .oldest((int) excess);
                cache.invalidateAll(oldest.keySet());
            }
        }
    }

    /** The kept profiles, newest first. */
    public List<RequestProfile> list() {
        List<RequestProfile> all;
        synchronized (this) { // add() trims to capacity under this lock: never observe one too many
            all = new ArrayList<>(cache.asMap().values());
        }
        all.sort(Comparator.comparingLong(RequestProfile::sequence).reversed());
        return all;
    }

    /** The kept profile with this id; empty when unknown, evicted or expired. */
    public Optional<RequestProfile> get(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(cache.getIfPresent(id));
    }

    /** How many profiles are kept now. */
    public int size() {
        cache.cleanUp();
        return (int) Math.min(Integer.MAX_VALUE, cache.asMap().size());
    }

    /** Forgets every kept profile. */
    public void clear() {
        cache.invalidateAll();
    }

    /** The most profiles kept; 0 keeps none. */
    public int capacity() {
        return capacity;
    }

    /** How long a profile is kept. */
    public Duration maxAge() {
        return maxAge;
    }
}
