package dev.treeprof.impl.stats;

import dev.treeprof.StatsRow;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * pstats' sort keys, their abbreviations and the "Ordered by" text. Numbers sort descending,
 * names ascending, as pstats' {@code sort_arg_dict_default} defines them.
 */
final class SortKey {

    final String description;
    final Comparator<StatsRow> order;

    private SortKey(String description, Comparator<StatsRow> order) {
        this.description = description;
        this.order = order;
    }

    private static final Comparator<StatsRow> CALLS = Comparator.comparingLong(StatsRow::totalCalls).reversed();
    private static final Comparator<StatsRow> PCALLS = Comparator.comparingLong(StatsRow::primitiveCalls).reversed();
    private static final Comparator<StatsRow> CUM = Comparator.comparingDouble(StatsRow::cumtime).reversed();
    private static final Comparator<StatsRow> TOT = Comparator.comparingDouble(StatsRow::tottime).reversed();
    private static final Comparator<StatsRow> FILE = Comparator.comparing(r -> r.function().file());
    private static final Comparator<StatsRow> LINE = Comparator.comparingInt(r -> r.function().line());
    private static final Comparator<StatsRow> NAME = Comparator.comparing(r -> r.function().function());
    private static final Comparator<StatsRow> STDNAME = Comparator.comparing(StatsRow::label);

    /** The full keys in pstats' own order, which decides who keeps a shared prefix. */
    private static final Map<String, SortKey> FULL = new LinkedHashMap<>();

    static {
        FULL.put("calls", new SortKey("call count", CALLS));
        FULL.put("ncalls", new SortKey("call count", CALLS));
        FULL.put("cumtime", new SortKey("cumulative time", CUM));
        FULL.put("cumulative", new SortKey("cumulative time", CUM));
        FULL.put("filename", new SortKey("file name", FILE));
        FULL.put("line", new SortKey("line number", LINE));
        FULL.put("module", new SortKey("file name", FILE));
        FULL.put("name", new SortKey("function name", NAME));
        FULL.put("nfl", new SortKey("name/file/line", NAME.thenComparing(FILE).thenComparing(LINE)));
        FULL.put("pcalls", new SortKey("primitive call count", PCALLS));
        FULL.put("stdname", new SortKey("standard name", STDNAME));
        FULL.put("time", new SortKey("internal time", TOT));
        FULL.put("tottime", new SortKey("internal time", TOT));
    }

    /** Every accepted word: full keys and the prefixes only one key claims (pstats' get_sort_arg_defs). */
    private static final Map<String, SortKey> ACCEPTED = accepted();

    private static Map<String, SortKey> accepted() {
        Map<String, SortKey> dict = new LinkedHashMap<>();
        Set<String> bad = new TreeSet<>();
        for (Map.Entry<String, SortKey> e : FULL.entrySet()) {
            String fragment = e.getKey();
            while (!fragment.isEmpty()) {
                if (dict.containsKey(fragment)) {
                    bad.add(fragment);
                    break;
                }
                dict.put(fragment, e.getValue());
                fragment = fragment.substring(0, fragment.length() - 1);
            }
        }
        bad.forEach(dict::remove);
        return dict;
    }

    static SortKey of(String word) {
        SortKey k = word == null ? null : ACCEPTED.get(word);
        if (k == null) {
            throw new IllegalArgumentException("unknown sort key " + (word == null ? "null" : PyFormat.reprString(word))
                    + "; use one of " + String.join(", ", FULL.keySet())
                    + " or a prefix that names only one of them");
        }
        return k;
    }

    /** The comparator and description of several keys, compared in order. */
    static Comparator<StatsRow> comparator(List<SortKey> keys) {
        Comparator<StatsRow> c = (a, b) -> 0;
        for (SortKey k : keys) {
            c = c.thenComparing(k.order);
        }
        return c;
    }
}
