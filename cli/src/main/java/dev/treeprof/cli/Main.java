package dev.treeprof.cli;

import dev.treeprof.Stats;
import dev.treeprof.impl.format.DumpFormat;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code treeprof} command: {@code stats} prints dumps as pstats does, {@code convert} writes
 * them in another format. Exit status 0 on success, 1 when a file cannot be loaded or written
 * (with a message naming it on standard error), 2 for a usage error.
 */
public final class Main {

    static final int OK = 0;
    static final int BAD_FILE = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = String.join("\n",
            "Usage: treeprof stats FILE... [--sort KEY[,KEY]]... [--restrict REGEX|N|FRACTION]...",
            "                      [--callers | --callees] [--strip-dirs] [--reverse] [--glob PATTERN]",
            "       treeprof convert IN... OUT [--format FORMAT] [--glob PATTERN]",
            "       treeprof --help",
            "",
            "stats    Loads the files (Python .prof from cProfile or treeprof, or treeprof .json, told",
            "         apart by content), merges them as pstats' add does, and prints them as pstats'",
            "         print_stats (or print_callers / print_callees) does.",
            "convert  Loads and merges the inputs and writes OUT in the format of its extension:",
            "         .prof (pstats), .json (treeprof, lossless), .speedscope.json, .trace.json",
            "         (Chrome trace, Perfetto), .folded or .collapsed (flame graphs, self time in us).",
            "",
            "A FILE that is a directory loads every file in it matching --glob (default *.prof); a FILE",
            "whose name holds * ? [ or { and does not exist is taken as a pattern in its directory,",
            "e.g. 'profiles/GET.*.prof' (quoted, so the shell leaves it alone).",
            "",
            "Options:",
            "  --sort KEY[,KEY]     sort keys as pstats' sort_stats: calls, cumulative (cumtime), time",
            "                       (tottime), pcalls, filename, line, name, nfl, stdname, or an",
            "                       unambiguous prefix; repeat or separate with commas. Default: none",
            "                       (pstats' \"Random listing order\").",
            "  --restrict R         keep rows as print_stats(R): a regular expression searched in the",
            "                       label, an integer N (the first N rows) or a fraction in [0, 1)",
            "                       (e.g. 0.1); repeatable, applied left to right.",
            "  --callers            print who called each function (print_callers).",
            "  --callees            print what each function called (print_callees).",
            "  --strip-dirs         keep only the last path element of file names (strip_dirs).",
            "  --reverse            reverse the order (reverse_order).",
            "  --glob PATTERN       file pattern for directory arguments (default *.prof).",
            "  --format FORMAT      convert: write FORMAT whatever OUT's extension: prof, json,",
            "                       speedscope, trace or folded.",
            "  -h, --help           print this help.",
            "",
            "Exit status: 0 success, 1 a file could not be loaded or written, 2 usage error.",
            "");

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern FRACTION = Pattern.compile("[+-]?(\\d+\\.\\d*|\\.\\d+|\\d+(\\.\\d*)?[eE][+-]?\\d+)");
    private static final Pattern GLOB_CHARS = Pattern.compile("[*?\\[{]");

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        // labels are UTF-8 in the files; print them so whatever the platform's default charset
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        int status = new Main(out, System.err).run(args);
        out.flush();
        System.exit(status);
    }

    /** A usage error: exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Runs the command; returns the exit status. */
    int run(String[] args) {
        try {
            if (args.length == 0) {
                throw new UsageException("no command given");
            }
            String command = args[0];
            if (command.equals("-h") || command.equals("--help") || command.equals("help")) {
                out.print(USAGE_TEXT);
                return OK;
            }
            Options o = Options.parse(command, args);
            if (o.help) {
                out.print(USAGE_TEXT);
                return OK;
            }
            if (command.equals("stats")) {
                return stats(o);
            }
            return convert(o);
        } catch (UsageException e) {
            err.println("treeprof: " + e.getMessage());
            err.println("Try 'treeprof --help' for more information.");
            return USAGE;
        } catch (IOException e) {
            err.println("treeprof: " + e.getMessage());
            return BAD_FILE;
        } catch (UncheckedIOException e) {
            err.println("treeprof: " + e.getCause().getMessage());
            return BAD_FILE;
        }
    }

    private int stats(Options o) throws UsageException, IOException {
        if (o.files.isEmpty()) {
            throw new UsageException("stats: no file given");
        }
        checkSortKeys(o.sort);
        StatsTable loaded = load(o.files, o.glob);
        Stats s = o.stripDirs ? loaded.stripDirs() : loaded;
        if (!o.sort.isEmpty()) {
            s = s.sortStats(o.sort.toArray(new String[0]));
        }
        if (o.reverse) {
            s = s.reverseOrder();
        }
        Object[] r = o.restrictions.toArray();
        String text = o.callers ? s.formatCallers(r) : o.callees ? s.formatCallees(r) : s.formatStats(r);
        out.print(text);
        out.flush();
        return OK;
    }

    private int convert(Options o) throws UsageException, IOException {
        if (o.files.size() < 2) {
            throw new UsageException("convert: needs at least one input and an output file");
        }
        Path target = path(o.files.get(o.files.size() - 1));
        DumpFormat format = o.format != null ? o.format : DumpFormat.forFileName(target);
        if (format == null) {
            throw new UsageException("convert: cannot tell the format of '" + target + "' from its extension; use "
                    + ".prof, .json, .speedscope.json, .trace.json, .folded, .collapsed or --format");
        }
        StatsTable loaded = load(o.files.subList(0, o.files.size() - 1), o.glob);
        try {
            Dumps.write(loaded, target, format);
        } catch (IllegalArgumentException e) {
            throw new IOException(target + ": " + e.getMessage(), e);
        } catch (IOException e) {
            String m = e.getMessage();
            throw new IOException(m != null && m.startsWith(target + ": ") ? m
                    : target + ": cannot write: " + (m == null ? e.getClass().getSimpleName() : m), e);
        }
        return OK;
    }

    /** pstats refuses unknown sort keys; so do we, as a usage error, before loading anything. */
    private static void checkSortKeys(List<String> keys) throws UsageException {
        try {
            StatsTable.empty().sortStats(keys.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--sort: " + e.getMessage());
        }
    }

    private static StatsTable load(List<String> args, String glob) throws IOException, UsageException {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            Path p = path(a);
            if (Files.isDirectory(p)) {
                files.addAll(Dumps.list(p, glob));
            } else if (!Files.exists(p) && GLOB_CHARS.matcher(fileName(a)).find()) {
                Path dir = p.getParent() != null ? p.getParent() : Path.of(".");
                try {
                    List<Path> matched = Dumps.list(dir, fileName(a));
                    // keep the names as the user wrote them: "profiles/x.prof", not "./profiles/x.prof"
                    for (Path m : matched) {
                        files.add(p.getParent() != null ? p.getParent().resolve(m.getFileName()) : m.getFileName());
                    }
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            } else {
                files.add(p);
            }
        }
        return Dumps.load(files.toArray(new Path[0]));
    }

    private static String fileName(String arg) {
        int slash = Math.max(arg.lastIndexOf('/'), arg.lastIndexOf(java.io.File.separatorChar));
        return arg.substring(slash + 1);
    }

    private static Path path(String arg) throws UsageException {
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            throw new UsageException("not a valid file name: " + arg);
        }
    }

    /** The parsed command line. */
    static final class Options {
        final List<String> files = new ArrayList<>();
        final List<String> sort = new ArrayList<>();
        final List<Object> restrictions = new ArrayList<>();
        boolean callers;
        boolean callees;
        boolean stripDirs;
        boolean reverse;
        boolean help;
        String glob = "*.prof";
        DumpFormat format;

        static Options parse(String command, String[] args) throws UsageException {
            boolean stats = command.equals("stats");
            if (!stats && !command.equals("convert")) {
                throw new UsageException("unknown command '" + command + "' (commands: stats, convert)");
            }
            Options o = new Options();
            boolean onlyFiles = false;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (onlyFiles || !a.startsWith("-") || a.equals("-")) {
                    o.files.add(a);
                    continue;
                }
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                switch (name) {
                    case "--":
                        onlyFiles = true;
                        break;
                    case "-h":
                    case "--help":
                        o.help = true;
                        break;
                    case "--glob":
                        o.glob = value != null ? value : next(args, ++i, name);
                        break;
                    case "--sort":
                    case "--restrict":
                    case "--callers":
                    case "--callees":
                    case "--strip-dirs":
                    case "--reverse":
                        if (!stats) {
                            throw new UsageException(command + ": unknown option '" + name + "'");
                        }
                        i = statsOption(o, name, value, args, i);
                        break;
                    case "--format":
                        if (stats) {
                            throw new UsageException("stats: unknown option '--format'");
                        }
                        String f = value != null ? value : next(args, ++i, name);
                        o.format = DumpFormat.forName(f);
                        if (o.format == null) {
                            throw new UsageException("--format: unknown format '" + f
                                    + "' (prof, json, speedscope, trace, folded)");
                        }
                        break;
                    default:
                        throw new UsageException(command + ": unknown option '" + a + "'");
                }
            }
            if (o.callers && o.callees) {
                throw new UsageException("stats: --callers and --callees exclude each other");
            }
            return o;
        }

        private static int statsOption(Options o, String name, String value, String[] args, int i)
                throws UsageException {
            switch (name) {
                case "--sort": {
                    String v = value != null ? value : next(args, ++i, name);
                    for (String k : v.split(",", -1)) {
                        if (k.isBlank()) {
                            throw new UsageException("--sort: empty sort key in '" + v + "'");
                        }
                        o.sort.add(k.trim());
                    }
                    break;
                }
                case "--restrict": {
                    String v = value != null ? value : next(args, ++i, name);
                    o.restrictions.add(restriction(v));
                    break;
                }
                case "--callers":
                    o.callers = true;
                    break;
                case "--callees":
                    o.callees = true;
                    break;
                case "--strip-dirs":
                    o.stripDirs = true;
                    break;
                default:
                    o.reverse = true;
            }
            if (value != null && (name.equals("--callers") || name.equals("--callees") || name.equals("--strip-dirs")
                    || name.equals("--reverse"))) {
                throw new UsageException(name + " takes no value");
            }
            return i;
        }

        /** An integer is a row count, a decimal a fraction, anything else a regular expression. */
        static Object restriction(String v) throws UsageException {
            if (INTEGER.matcher(v).matches()) {
                try {
                    return Integer.valueOf(v);
                } catch (NumberFormatException e) {
                    throw new UsageException("--restrict: " + v + " is too large a row count");
                }
            }
            if (FRACTION.matcher(v).matches()) {
                return Double.valueOf(v);
            }
            return v;
        }

        private static String next(String[] args, int i, String option) throws UsageException {
            if (i >= args.length) {
                throw new UsageException(option + " needs a value");
            }
            return args[i];
        }
    }
}
