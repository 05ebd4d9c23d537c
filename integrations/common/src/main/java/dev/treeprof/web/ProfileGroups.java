package dev.treeprof.web;

import dev.treeprof.Stats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups request profiles, gathered from one instance or many, by route, path or method, and
 * merges each group into one profile: where does {@code /orders/{id}} spend its time across the
 * fleet. The {@code treeprof merge} command and viewers use it; it needs only the API's
 * {@link Stats} and the request metadata the web integrations write.
 *
 * <pre>{@code
 * List<Stats> loaded = ...;  // e.g. Stats.load(file) for each file
 * Map<String, Stats> perRoute = ProfileGroups.merge(loaded, ProfileGroups.By.ROUTE);
 * perRoute.get("/orders/{id}").sortStats("cumulative").printStats(10);
 * }</pre>
 *
 * <p>A merged profile holds every part's rows and call trees (summed as {@link Stats#add}
 * sums them, so its calls are the sums of the parts' calls) and metadata describing the group:
 * {@value #META_GROUP_BY}, {@value #META_GROUP}, {@value #META_PROFILES}, {@value #META_HOSTS},
 * and the request keys ({@link RequestInfo#META_METHOD}, {@link RequestInfo#META_PATH},
 * {@link RequestInfo#META_STATUS}, {@link #ROUTE_KEYS}, {@link #HOST_KEYS}) holding the distinct values of the parts,
 * sorted and joined by {@code ", "}, rather than those of whichever request came first.
 */
public final class ProfileGroups {

    /**
     * Metadata keys of the framework's route template, first present wins: {@link RequestInfo#META_ROUTE}
     * (Vert.x {@code Route.getPath()}, Undertow's {@code PathTemplateMatch}), then a plain {@code route}
     * attribute, as earlier versions wrote it.
     */
    public static final List<String> ROUTE_KEYS = List.of(RequestInfo.META_ROUTE, "route");
    /** Metadata keys naming the host, first present wins: the request's, then the recording process's. */
    public static final List<String> HOST_KEYS = List.of(RequestInfo.META_HOST, "host", "host.name");
    /** The group of profiles that lack the grouping key (e.g. loaded from {@code .prof} files). */
    public static final String UNKNOWN = "(unknown)";

    /** Metadata key of a merged profile: what it was grouped by ({@code route}, {@code path}, {@code method}). */
    public static final String META_GROUP_BY = "group.by";
    /** Metadata key of a merged profile: its group's key. */
    public static final String META_GROUP = "group.key";
    /** Metadata key of a merged profile: how many profiles it merges. */
    public static final String META_PROFILES = "group.profiles";
    /** Metadata key of a merged profile: the distinct hosts of its parts, sorted, joined by {@code ", "}. */
    public static final String META_HOSTS = "group.hosts";

    /** What to group by. */
    public enum By {
        /** The route template where the framework names one ({@link ProfileGroups#ROUTE_KEYS}), else the path. */
        ROUTE,
        /** The request path as received, without query. */
        PATH,
        /** The HTTP method. */
        METHOD;

        /**
         * The grouping a user names: {@code route}, {@code path} or {@code method}, any case.
         *
         * @throws IllegalArgumentException for another name
         */
        public static By of(String name) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "route":
                    return ROUTE;
                case "path":
                    return PATH;
                case "method":
                    return METHOD;
                default:
                    throw new IllegalArgumentException("cannot group by '" + name + "' (route, path or method)");
            }
        }

        /** The name {@link #of} reads. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private ProfileGroups() {
    }

    /** The group of a profile, from its metadata: see {@link By}; {@value #UNKNOWN} when it has no such key. */
    public static String key(Stats profile, By by) {
        Map<String, String> m = profile.metadata();
        String k;
        switch (by) {
            case ROUTE:
                k = null;
                for (String r : ROUTE_KEYS) {
                    k = k != null ? k : nonBlank(m.get(r));
                }
                if (k == null) {
                    k = nonBlank(m.get(RequestInfo.META_PATH));
                }
                break;
            case PATH:
                k = nonBlank(m.get(RequestInfo.META_PATH));
                break;
            default:
                k = nonBlank(m.get(RequestInfo.META_METHOD));
        }
        return k == null ? UNKNOWN : k;
    }

    /** The host a profile came from ({@link #HOST_KEYS}), or null when its metadata does not say. */
    public static String host(Stats profile) {
        for (String key : HOST_KEYS) {
            String h = nonBlank(profile.metadata().get(key));
            if (h != null) {
                return h;
            }
        }
        return null;
    }

    /**
     * When a request profile started, epoch milliseconds: the request's start
     * ({@link RequestInfo#META_START_EPOCH_MILLIS}), else the recording's; 0 when unknown.
     */
    public static long startMillis(Stats profile) {
        String s = profile.metadata().get(RequestInfo.META_START_EPOCH_MILLIS);
        if (s != null) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // not a number: fall back to the recording's start
            }
        }
        return profile.startMillis();
    }

    /** The profiles by group key, keys sorted, each group in the given order. */
    public static Map<String, List<Stats>> group(Iterable<? extends Stats> profiles, By by) {
        Objects.requireNonNull(by, "by");
        Map<String, List<Stats>> groups = new TreeMap<>();
        for (Stats s : profiles) {
            groups.computeIfAbsent(key(s, by), k -> new ArrayList<>()).add(s);
        }
        return groups;
    }

    /** One merged profile per group, keys sorted; see the class comment for its metadata. */
    public static Map<String, Stats> merge(Iterable<? extends Stats> profiles, By by) {
        Map<String, Stats> merged = new LinkedHashMap<>();
        group(profiles, by).forEach((k, parts) -> merged.put(k, merge(k, by, parts)));
        return merged;
    }

    /**
     * The parts summed into one profile, with metadata describing the group.
     *
     * @throws IllegalArgumentException when there are no parts
     */
    public static Stats merge(String key, By by, List<? extends Stats> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no profiles to merge for " + key);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_GROUP_BY, by.label());
        meta.put(META_GROUP, key);
        meta.put(META_PROFILES, Integer.toString(parts.size()));
        TreeSet<String> hosts = new TreeSet<>();
        for (Stats s : parts) {
            String h = host(s);
            if (h != null) {
                hosts.add(h);
            }
        }
        if (!hosts.isEmpty()) {
            meta.put(META_HOSTS, String.join(", ", hosts));
        }
        List<String> keys = new ArrayList<>(List.of(RequestInfo.META_METHOD, RequestInfo.META_PATH,
                RequestInfo.META_STATUS));
        keys.addAll(ROUTE_KEYS);
        keys.addAll(HOST_KEYS);
        // Stats.add keeps the first part's value of a key, which would stand for the whole group:
        // the group's values go first
        for (String k : keys) {
            TreeSet<String> values = new TreeSet<>();
            for (Stats s : parts) {
                String v = s.metadata().get(k);
                if (v != null) {
                    values.add(v);
                }
            }
            if (!values.isEmpty()) {
                meta.put(k, String.join(", ", values));
            }
        }
        Stats first = parts.get(0).withMetadata(meta);
        return first.add(parts.subList(1, parts.size()).toArray(new Stats[0]));
    }

    /** Keeps the profiles that started at or after {@code sinceMillis} (see {@link #startMillis}); unknown starts are left out. */
    public static List<Stats> since(Iterable<? extends Stats> profiles, long sinceMillis) {
        List<Stats> kept = new ArrayList<>();
        for (Stats s : profiles) {
            long start = startMillis(s);
            if (start != 0 && start >= sinceMillis) {
                kept.add(s);
            }
        }
        return Collections.unmodifiableList(kept);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
