package dev.treeprof.cli;

import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A mixin for commands that load dump files: the {@code --glob} option, and how a FILE argument
 * becomes files (a file; a directory: its files matching {@code --glob}; a pattern). Use it with
 * {@code @Mixin InputFiles inputs;} and {@code inputs.load(arguments)}.
 */
final class InputFiles {

    private static final Pattern GLOB_CHARS = Pattern.compile("[*?\\[{]");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--glob", paramLabel = "PATTERN", defaultValue = "*.prof",
            description = "file pattern for directory arguments (default: ${DEFAULT-VALUE}).")
    String glob;

    /** Loads and merges the files the arguments name, as pstats' {@code add} does. */
    StatsTable load(List<String> args) throws IOException {
        return Dumps.load(paths(args).toArray(new Path[0]));
    }

    /** The files the arguments name, in order: directories and patterns expanded. */
    List<Path> paths(List<String> args) throws IOException {
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
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    /** Path arguments as the names {@link #load} and {@link #paths} take. */
    static List<String> names(List<Path> args) {
        List<String> names = new ArrayList<>(args.size());
        for (Path p : args) {
            names.add(p.toString());
        }
        return names;
    }

    /** A file name argument as a path, or a usage error. */
    Path path(String arg) {
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), "not a valid file name: " + arg);
        }
    }

    private static String fileName(String arg) {
        int slash = Math.max(arg.lastIndexOf('/'), arg.lastIndexOf(File.separatorChar));
        return arg.substring(slash + 1);
    }
}
