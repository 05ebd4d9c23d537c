package dev.treeprof.cli;

import dev.treeprof.Stats;
import dev.treeprof.impl.format.DumpFormat;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.web.ProfileGroups;
import dev.treeprof.web.SafeFileNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
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

/**
 * {@code treeprof merge}: request profiles gathered from many instances, merged per route, path
 * or method into one profile each. The grouping is {@link ProfileGroups}, which viewers share.
 */
@Command(name = "merge",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        customSynopsis = "treeprof merge [-hV] --by=route|path|method [--since=T] [--format=FORMAT] [--glob=PATTERN] "
                + "IN... OUT_DIR",
        description = {
            "Merges request profiles per route, path or method: one profile per group in OUT_DIR.",
            "",
            "Reads request profiles (treeprof .json or pprof .pb.gz, which keep the request's metadata; "
                    + "a .prof file does not, and lands in the group '" + ProfileGroups.UNKNOWN + "'), "
                    + "for instance one directory per host, and writes one merged profile per group, named "
                    + "after it (route /orders/:id gives orders._id.json). Its calls and times are the "
                    + "sums of its parts; its metadata lists the group, the number of profiles and the hosts.",
            "",
            "route  the framework's route template where the integration records one (metadata "
                    + "'request.route', e.g. Vert.x's /orders/:id or Undertow's /orders/{id}), else the path",
            "path   the request path as received",
            "method the HTTP method",
            "",
            "An input that is a directory loads every file in it matching --glob (for merge: "
                    + MergeCommand.DEFAULT_GLOB + "); an input whose name holds * ? [ or { and does not exist "
                    + "is taken as a pattern in its directory.",
        },
        footerHeading = "%n",
        footer = "Exit status: 0 success, 1 a file could not be loaded or written, 2 usage error.")
final class MergeCommand implements Callable<Integer> {

    /** The files a directory argument gives when --glob is not set: every loadable format. */
    static final String DEFAULT_GLOB = "*.{json,pb.gz,pprof,prof}";

    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(s|m|min|h|d)", Pattern.CASE_INSENSITIVE);

    @Spec
    CommandSpec spec;

    @Mixin
    InputFiles inputs;

    @Parameters(arity = "2..*", paramLabel = "IN... OUT_DIR", hideParamSyntax = true,
            description = "the input files, directories or patterns, then the directory to write to (made if missing).")
    List<String> files;

    @Option(names = "--by", required = true, paramLabel = "route|path|method", converter = ByConverter.class,
            completionCandidates = ByNames.class, description = "what to group by.")
    ProfileGroups.By by;

    @Option(names = "--since", paramLabel = "T",
            description = "only profiles of requests that started at or after T: an instant "
                    + "(2026-11-27T15:00:00Z), a local date-time (2026-11-27T15:00) or date, epoch "
                    + "milliseconds, or a time ago (90s, 15m, 2h, 1d).")
    String since;

    @Option(names = "--format", paramLabel = "FORMAT", converter = ConvertCommand.FormatConverter.class,
            completionCandidates = ConvertCommand.FormatNames.class,
            description = "the format of the merged profiles: json (default), pprof, prof, speedscope, trace or folded.")
    DumpFormat format = DumpFormat.JSON;

    /** The clock --since counts back from; a field so tests can fix it. */
    LongSupplier clock = System::currentTimeMillis;

    @Override
    public Integer call() throws IOException {
        if (!spec.commandLine().getParseResult().hasMatchedOption("--glob")) {
            inputs.glob = DEFAULT_GLOB;
        }
        Long sinceMillis = since == null ? null : parseSince(since);
        Path outDir = inputs.path(files.get(files.size() - 1));
        List<Path> paths = inputs.paths(files.subList(0, files.size() - 1));
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new IOException(outDir + ": not a directory");
        }

        List<Stats> loaded = new ArrayList<>(paths.size());
        for (Path p : paths) {
            loaded.add(Dumps.read(p));
        }
        List<Stats> kept = sinceMillis == null ? loaded : ProfileGroups.since(loaded, sinceMillis);
        if (kept.isEmpty()) {
            throw new IOException("no profile to merge: " + (loaded.isEmpty() ? "no input files"
                    : "none of the " + loaded.size() + " profiles started at or after "
                    + Instant.ofEpochMilli(sinceMillis) + " (or their start is unknown)"));
        }
        Map<String, Stats> merged = ProfileGroups.merge(kept, by);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new IOException(outDir + ": cannot create the directory: " + e.getMessage(), e);
        }

        PrintWriter out = spec.commandLine().getOut();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Stats> e : merged.entrySet()) {
            Stats s = e.getValue();
            Path target = SafeFileNames.resolveInside(outDir, fileName(e.getKey(), used));
            try {
                Dumps.write((StatsTable) s, target, format);
            } catch (IllegalArgumentException ex) {
                throw new IOException(target + ": " + ex.getMessage(), ex);
            } catch (IOException ex) {
                String m = ex.getMessage();
                throw new IOException(m != null && m.startsWith(target + ": ") ? m
                        : target + ": cannot write: " + (m == null ? ex.getClass().getSimpleName() : m), ex);
            }
            Map<String, String> meta = s.metadata();
            String hosts = meta.get(ProfileGroups.META_HOSTS);
            out.printf(Locale.ROOT, "%s  %s profiles%s, %d calls in %.3f seconds -> %s%n", e.getKey(),
                    meta.get(ProfileGroups.META_PROFILES),
                    hosts == null ? "" : " from " + hosts.split(", ").length + " hosts (" + hosts + ")",
                    s.totalCalls(), s.totalTime(), outDir.resolve(target.getFileName()));
        }
        if (sinceMillis != null && kept.size() < loaded.size()) {
            out.printf(Locale.ROOT, "(%d of %d profiles started before %s or at an unknown time, left out)%n",
                    loaded.size() - kept.size(), loaded.size(), Instant.ofEpochMilli(sinceMillis));
        }
        out.flush();
        return Main.OK;
    }

    /** The group's file name: its path or method made safe, the format's extension, unique in this run. */
    private String fileName(String key, Set<String> used) {
        String base = key.equals(ProfileGroups.UNKNOWN) ? "unknown"
                : by == ProfileGroups.By.METHOD ? SafeFileNames.methodPart(key) : SafeFileNames.pathPart(key);
        String ext = format.extension();
        // cut the base, not the whole name, so a long route keeps the extension that picks the format
        int max = SafeFileNames.MAX_NAME_LENGTH - ext.length() - 8;
        String name = SafeFileNames.truncate(base, max) + ext;
        // two keys can make one name ("/a b" and "/a_b"): number the later ones
        for (int i = 2; !used.add(name.toLowerCase(Locale.ROOT)); i++) {
            name = SafeFileNames.truncate(base, max) + "." + i + ext;
        }
        return name;
    }

    /** --since as epoch milliseconds, or a usage error. */
    long parseSince(String t) {
        String v = t.trim();
        try {
            if (v.matches("\\d+")) {
                return Long.parseLong(v);
            }
            Matcher m = AGO.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2).toLowerCase(Locale.ROOT);
                Duration d = unit.equals("s") ? Duration.ofSeconds(n) : unit.startsWith("m") ? Duration.ofMinutes(n)
                        : unit.equals("h") ? Duration.ofHours(n) : Duration.ofDays(n);
                return clock.getAsLong() - d.toMillis();
            }
            if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return Instant.from(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(v)).toEpochMilli();
            }
            if (v.contains("T")) {
                return LocalDateTime.parse(v).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
            }
            return LocalDate.parse(v).atStartOfDay(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--since: cannot read '" + t + "' as a time: use an "
                    + "instant (2026-11-27T15:00:00Z), a local date-time (2026-11-27T15:00) or date, epoch "
                    + "milliseconds, or a time ago (90s, 15m, 2h, 1d)");
        }
    }

    /** The --by names, for shell completion. */
    static final class ByNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ByNames() {
            super(List.of("route", "path", "method"));
        }
    }

    /** A --by name. */
    static final class ByConverter implements ITypeConverter<ProfileGroups.By> {
        @Override
        public ProfileGroups.By convert(String value) {
            try {
                return ProfileGroups.By.of(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
