package dev.treeprof.cli;

import dev.treeprof.Stats;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code treeprof stats}: loads and merges dumps and prints them as pstats does. */
@Command(name = "stats",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Prints dump files as pstats does (print_stats, print_callers, print_callees).",
            "",
            "Loads the files (Python .prof from cProfile or treeprof, or treeprof .json, told apart by "
                    + "content), merges them as pstats' add does, and prints them as pstats' print_stats "
                    + "(or print_callers / print_callees) does.",
            "",
            "A FILE that is a directory loads every file in it matching --glob; a FILE whose name holds "
                    + "* ? [ or { and does not exist is taken as a pattern in its directory, e.g. "
                    + "'profiles/GET.*.prof' (quoted, so the shell leaves it alone).",
        },
        footerHeading = "%n",
        footer = "Exit status: 0 success, 1 a file could not be loaded, 2 usage error.")
final class StatsCommand implements Callable<Integer> {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern FRACTION =
            Pattern.compile("[+-]?(\\d+\\.\\d*|\\.\\d+|\\d+(\\.\\d*)?[eE][+-]?\\d+)");

    @Spec
    CommandSpec spec;

    @Mixin
    InputFiles inputs;

    // Paths, not Strings, so that the completion script completes file names
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "dump files, directories or patterns.")
    List<Path> files;

    @Option(names = "--sort", paramLabel = "KEY[,KEY]", completionCandidates = SortKeys.class,
            description = "sort keys as pstats' sort_stats: calls, cumulative (cumtime), time (tottime), pcalls, "
                    + "filename, line, name, nfl, stdname, or an unambiguous prefix; repeat or separate with "
                    + "commas. Default: none (pstats' \"Random listing order\").")
    List<String> sortArgs = new ArrayList<>();

    @Option(names = "--restrict", paramLabel = "REGEX|N|FRACTION", converter = RestrictionConverter.class,
            description = "keep rows as print_stats(R): a regular expression searched in the label, an integer N "
                    + "(the first N rows) or a fraction in [0, 1) (e.g. 0.1); repeatable, applied left to right. "
                    + "Write a numeric regular expression as (42).")
    List<Object> restrictions = new ArrayList<>();

    @Option(names = "--callers", description = "print who called each function (print_callers).")
    boolean callers;

    @Option(names = "--callees", description = "print what each function called (print_callees).")
    boolean callees;

    @Option(names = "--strip-dirs", description = "keep only the last path element of file names (strip_dirs).")
    boolean stripDirs;

    @Option(names = "--reverse", description = "reverse the order (reverse_order).")
    boolean reverse;

    @Override
    public Integer call() throws IOException {
        if (callers && callees) {
            throw new ParameterException(spec.commandLine(), "--callers and --callees exclude each other");
        }
        String[] sort = sortKeys();
        StatsTable loaded = inputs.load(InputFiles.names(files));
        Stats s = stripDirs ? loaded.stripDirs() : loaded;
        if (sort.length > 0) {
            s = s.sortStats(sort);
        }
        if (reverse) {
            s = s.reverseOrder();
        }
        Object[] r = restrictions.toArray();
        String text = callers ? s.formatCallers(r) : callees ? s.formatCallees(r) : s.formatStats(r);
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return Main.OK;
    }

    /** The --sort keys, split at commas; pstats refuses unknown keys, so do we, before loading anything. */
    private String[] sortKeys() {
        List<String> keys = new ArrayList<>();
        for (String v : sortArgs) {
            for (String k : v.split(",", -1)) {
                if (k.isBlank()) {
                    throw new ParameterException(spec.commandLine(), "--sort: empty sort key in '" + v + "'");
                }
                keys.add(k.trim());
            }
        }
        String[] sort = keys.toArray(new String[0]);
        try {
            StatsTable.empty().sortStats(sort);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--sort: " + e.getMessage());
        }
        return sort;
    }

    /** An integer is a row count, a decimal a fraction, anything else a regular expression. */
    static Object restriction(String v) {
        if (INTEGER.matcher(v).matches()) {
            try {
                return Integer.valueOf(v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException(v + " is too large a row count");
            }
        }
        if (FRACTION.matcher(v).matches()) {
            return Double.valueOf(v);
        }
        return v;
    }

    /** pstats' sort keys, for shell completion. */
    static final class SortKeys extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        SortKeys() {
            super(List.of("calls", "ncalls", "cumulative", "cumtime", "time", "tottime", "pcalls", "filename",
                    "module", "line", "name", "nfl", "stdname"));
        }
    }

    /** {@link #restriction(String)} for picocli. */
    static final class RestrictionConverter implements ITypeConverter<Object> {
        @Override
        public Object convert(String value) {
            return restriction(value);
        }
    }
}
