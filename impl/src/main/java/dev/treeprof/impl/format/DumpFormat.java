package dev.treeprof.impl.format;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats treeprof writes; {@link #PROF}, {@link #JSON} and {@link #PPROF} can also be loaded. */
public enum DumpFormat {

    /** Python's pstats file (a marshalled dict), as {@code cProfile} writes it. Extension {@code .prof}. */
    PROF(".prof"),
    /** treeprof's lossless, versioned JSON: call trees per thread, metadata. Extension {@code .json}. */
    JSON(".json"),
    /** speedscope's file format, one profile per thread. Extension {@code .speedscope.json}. */
    SPEEDSCOPE(".speedscope.json"),
    /** Chrome trace event format (Perfetto, chrome://tracing). Extension {@code .trace.json}. */
    CHROME_TRACE(".trace.json"),
    /** Brendan Gregg's folded stacks, self time in microseconds. Extensions {@code .folded}, {@code .collapsed}. */
    FOLDED(".folded"),
    /**
     * pprof's gzipped {@code profile.proto} ({@code go tool pprof}, Pyroscope, Parca): one sample
     * per call path. Extensions {@code .pb.gz}, {@code .pprof}.
     */
    PPROF(".pb.gz");

    private final String extension;

    DumpFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension written for this format, with its dot. */
    public String extension() {
        return extension;
    }

    /**
     * The format a file name asks for, by its extension (case-insensitive; the longest match wins,
     * so {@code x.speedscope.json} is speedscope, not treeprof JSON), or null if none fits.
     */
    public static DumpFormat forFileName(Path file) {
        Path name = file.getFileName();
        return name == null ? null : forFileName(name.toString());
    }

    /** {@link #forFileName(Path)} for a bare name. */
    public static DumpFormat forFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".speedscope.json")) {
            return SPEEDSCOPE;
        }
        if (n.endsWith(".trace.json")) {
            return CHROME_TRACE;
        }
        if (n.endsWith(".json")) {
            return JSON;
        }
        if (n.endsWith(".prof")) {
            return PROF;
        }
        if (n.endsWith(".folded") || n.endsWith(".collapsed")) {
            return FOLDED;
        }
        if (n.endsWith(".pb.gz") || n.endsWith(".pprof")) {
            return PPROF;
        }
        return null;
    }

    /**
     * A format by the name a user types ({@code prof}, {@code json}, {@code speedscope},
     * {@code trace}, {@code folded}, {@code pprof}; also the enum constant names), or null.
     */
    public static DumpFormat forName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "prof":
            case "pstats":
                return PROF;
            case "json":
                return JSON;
            case "speedscope":
                return SPEEDSCOPE;
            case "trace":
            case "chrome":
            case "chrome_trace":
                return CHROME_TRACE;
            case "folded":
            case "collapsed":
                return FOLDED;
            case "pprof":
            case "pb.gz":
                return PPROF;
            default:
                return null;
        }
    }
}
