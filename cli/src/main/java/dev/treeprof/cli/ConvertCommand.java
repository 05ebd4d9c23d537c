package dev.treeprof.cli;

import dev.treeprof.impl.format.DumpFormat;
import dev.treeprof.impl.format.Dumps;
import dev.treeprof.impl.stats.StatsTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code treeprof convert}: loads and merges dumps and writes them in another format. */
@Command(name = "convert",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        customSynopsis = "treeprof convert [-hV] [--format=FORMAT] [--glob=PATTERN] IN... OUT",
        description = {
            "Merges dump files and writes them in another format.",
            "",
            "Loads and merges the inputs and writes OUT in the format of its extension (or --format):",
            "  .prof                Python's pstats file (prof)",
            "  .json                treeprof JSON, lossless (json)",
            "  .speedscope.json     speedscope (speedscope)",
            "  .trace.json          Chrome trace, Perfetto (trace)",
            "  .folded, .collapsed  folded stacks for flame graphs, self time in us (folded)",
            "  .pb.gz, .pprof       pprof's profile.proto: go tool pprof, Pyroscope, Parca (pprof)",
            "",
            "An input that is a directory loads every file in it matching --glob; an input whose name holds "
                    + "* ? [ or { and does not exist is taken as a pattern in its directory.",
        },
        footerHeading = "%n",
        footer = "Exit status: 0 success, 1 a file could not be loaded or written, 2 usage error.")
final class ConvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InputFiles inputs;

    // Paths, not Strings, so that the completion script completes file names
    @Parameters(arity = "1..*", paramLabel = "IN... OUT", hideParamSyntax = true,
            description = "the input files, directories or patterns, then the file to write.")
    List<Path> files;

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            completionCandidates = FormatNames.class,
            description = "write FORMAT whatever OUT's extension: prof, json, speedscope, trace, folded or pprof.")
    DumpFormat format;

    @Override
    public Integer call() throws IOException {
        if (files.size() < 2) {
            throw new ParameterException(spec.commandLine(), "needs at least one input and an output file");
        }
        Path target = files.get(files.size() - 1);
        DumpFormat f = format != null ? format : DumpFormat.forFileName(target);
        if (f == null) {
            throw new ParameterException(spec.commandLine(), "cannot tell the format of '" + target
                    + "' from its extension; use .prof, .json, .speedscope.json, .trace.json, .folded, .collapsed, "
                    + ".pb.gz or --format");
        }
        StatsTable loaded = inputs.load(InputFiles.names(files.subList(0, files.size() - 1)));
        try {
            Dumps.write(loaded, target, f);
        } catch (IllegalArgumentException e) {
            throw new IOException(target + ": " + e.getMessage(), e);
        } catch (IOException e) {
            String m = e.getMessage();
            throw new IOException(m != null && m.startsWith(target + ": ") ? m
                    : target + ": cannot write: " + (m == null ? e.getClass().getSimpleName() : m), e);
        }
        return Main.OK;
    }

    /** The --format names, for shell completion. */
    static final class FormatNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        FormatNames() {
            super(List.of("prof", "json", "speedscope", "trace", "folded", "pprof"));
        }
    }

    /** A --format name. */
    static final class FormatConverter implements ITypeConverter<DumpFormat> {
        @Override
        public DumpFormat convert(String value) {
            DumpFormat f = DumpFormat.forName(value);
            if (f == null) {
                throw new TypeConversionException("unknown format '" + value + "' (prof, json, speedscope, trace, folded, pprof)");
            }
            return f;
        }
    }
}
