package dev.treeprof.web;

import dev.treeprof.Stats;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The configuration of the request profiling middleware: werkzeug's {@code ProfilerMiddleware}
 * options plus request selection, file retention and an in-memory list of recent profiles.
 * Immutable; made with {@link #builder()}. Every option is validated when set, so a bad value
 * fails at configuration time with an {@link IllegalArgumentException}, never during a request.
 *
 * <pre>{@code
 * ProfilerOptions opts = ProfilerOptions.builder()
 *         .sortBy("cumtime", "calls")
 *         .restrictions("com/example", 30)
 *         .profileDir(Path.of("profiles"))
 *         .sampleRate(0.1)
 *         .build();
 * }</pre>
 */
public final class ProfilerOptions {

    /** werkzeug's default file-name format, with {@code {elapsed:.0f}} and {@code {time:.0f}} written as plain fields. */
    public static final String DEFAULT_FILENAME_FORMAT = "{method}.{path}.{elapsed}ms.{time}.prof";
    /** Default {@link Builder#maxFiles(int)}. */
    public static final int DEFAULT_MAX_FILES = 1000;
    /** Default {@link Builder#maxTotalBytes(long)}: 1 GiB. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 1L << 30;
    /** Default {@link Builder#recentCapacity(int)}. */
    public static final int DEFAULT_RECENT_CAPACITY = 100;
    /** Default {@link Builder#recentMaxAge(Duration)}. */
    public static final Duration DEFAULT_RECENT_MAX_AGE = Duration.ofHours(1);
    /** Default {@link Builder#writeQueueCapacity(int)}. */
    public static final int DEFAULT_WRITE_QUEUE_CAPACITY = 1000;
    /** Default {@link Builder#lateWorkGrace(Duration)}. */
    public static final Duration DEFAULT_LATE_WORK_GRACE = Duration.ofSeconds(60);

    private final Consumer<String> output;
    private final BooleanSupplier outputEnabled;
    private final List<String> sortBy;
    private final List<Object> restrictions;
    private final Path profileDir;
    private final FileNameFormat fileNameFormat;
    private final ProfileWriter profileWriter;
    private final Predicate<RequestInfo> filter;
    private final double sampleRate;
    private final DoubleSupplier random;
    private final int maxFiles;
    private final long maxTotalBytes;
    private final int recentCapacity;
    private final Duration recentMaxAge;
    private final LongSupplier ticker;
    /** Where reports and files are made; null for the default bounded background writer. */
    private final Executor executor;
    private final int writeQueueCapacity;
    private final Duration lateWorkGrace;

    private ProfilerOptions(Builder b) {
        this.output = b.output;
        this.outputEnabled = b.outputEnabled;
        this.sortBy = b.sortBy;
        this.restrictions = b.restrictions;
        this.profileDir = b.profileDir;
        this.fileNameFormat = b.fileNameFormat;
        this.profileWriter = b.profileWriter;
        this.filter = b.filter;
        this.sampleRate = b.sampleRate;
        this.random = b.random;
        this.maxFiles = b.maxFiles;
        this.maxTotalBytes = b.maxTotalBytes;
        this.recentCapacity = b.recentCapacity;
        this.recentMaxAge = b.recentMaxAge;
        this.ticker = b.ticker;
        this.executor = b.executor;
        this.writeQueueCapacity = b.writeQueueCapacity;
        this.lateWorkGrace = b.lateWorkGrace;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: werkzeug's, plus every request profiled, no files, 100 recent profiles. */
    public static ProfilerOptions defaults() {
        return builder().build();
    }

    /** The pstats sort keys of the report. */
    public List<String> sortBy() {
        return sortBy;
    }

    /** The pstats restrictions of the report. */
    public List<Object> restrictions() {
        return restrictions;
    }

    /** The directory of profile files, if files are written. */
    public Optional<Path> profileDir() {
        return Optional.ofNullable(profileDir);
    }

    /** The fraction of requests profiled, in [0, 1]. */
    public double sampleRate() {
        return sampleRate;
    }

    /** The most profile files kept in the directory. */
    public int maxFiles() {
        return maxFiles;
    }

    /** The most bytes of profile files kept in the directory. */
    public long maxTotalBytes() {
        return maxTotalBytes;
    }

    /** The most profiles kept in memory. */
    public int recentCapacity() {
        return recentCapacity;
    }

    /** How long a profile is kept in memory. */
    public Duration recentMaxAge() {
        return recentMaxAge;
    }

    Consumer<String> output() {
        return output;
    }

    boolean outputEnabled() {
        return output != null && outputEnabled.getAsBoolean();
    }

    FileNameFormat fileNameFormat() {
        return fileNameFormat;
    }

    ProfileWriter profileWriter() {
        return profileWriter;
    }

    Predicate<RequestInfo> filter() {
        return filter;
    }

    DoubleSupplier random() {
        return random;
    }

    LongSupplier ticker() {
        return ticker;
    }

    Executor executor() {
        return executor;
    }

    /** Whether {@link Builder#executor(Executor)} replaced the default background writer. */
    boolean hasExecutor() {
        return executor != null;
    }

    /** How many reports and files may wait for the background writer; see {@link Builder#writeQueueCapacity}. */
    public int writeQueueCapacity() {
        return writeQueueCapacity;
    }

    /** How long work of a request may outlive its response; see {@link Builder#lateWorkGrace}. */
    public Duration lateWorkGrace() {
        return lateWorkGrace;
    }

    @Override
    public String toString() {
        return "ProfilerOptions[sortBy=" + sortBy + ", restrictions=" + restrictions + ", profileDir=" + profileDir
                + ", filenameFormat=" + fileNameFormat + ", sampleRate=" + sampleRate + ", maxFiles=" + maxFiles
                + ", maxTotalBytes=" + maxTotalBytes + ", recentCapacity=" + recentCapacity + ", recentMaxAge="
                + recentMaxAge + "]";
    }

    /** Builds {@link ProfilerOptions}. Not thread-safe; each setter validates its value at once. */
    public static final class Builder {

        private Consumer<String> output = report -> {
            // Resolved at print time, so System.setOut (e.g. in tests) is honoured.
            PrintStream out = System.out;
            out.print(report);
            out.flush();
        };
        private BooleanSupplier outputEnabled = () -> true;
        private List<String> sortBy = List.of("tottime", "calls");
        private List<Object> restrictions = List.of();
        private Path profileDir;
        private FileNameFormat fileNameFormat = FileNameFormat.compile(DEFAULT_FILENAME_FORMAT);
        private ProfileWriter profileWriter = ProfileWriter.dumpStats();
        private Predicate<RequestInfo> filter = r -> true;
        private double sampleRate = 1.0;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private int maxFiles = DEFAULT_MAX_FILES;
        private long maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES;
        private int recentCapacity = DEFAULT_RECENT_CAPACITY;
        private Duration recentMaxAge = DEFAULT_RECENT_MAX_AGE;
        private LongSupplier ticker = System::nanoTime;
        private Executor executor;
        private int writeQueueCapacity = DEFAULT_WRITE_QUEUE_CAPACITY;
        private Duration lateWorkGrace = DEFAULT_LATE_WORK_GRACE;

        private Builder() {
        }

        /**
         * Prints each request's report to this stream. werkzeug: {@code stream}, default
         * {@code sys.stdout}; here the default is {@code System.out} as it is when printing.
         */
        public Builder stream(PrintStream stream) {
            Objects.requireNonNull(stream, "stream (use noOutput() for none)");
            this.output = report -> {
                stream.print(report);
                stream.flush();
            };
            this.outputEnabled = () -> true;
            return this;
        }

        /**
         * Logs each request's report at INFO to this SLF4J logger, as one multi-line message
         * (nothing is formatted while INFO is off). werkzeug has no logger option.
         */
        public Builder logger(Logger logger) {
            Objects.requireNonNull(logger, "logger (use noOutput() for none)");
            this.output = report -> logger.info("request profile\n{}", report);
            this.outputEnabled = logger::isInfoEnabled;
            return this;
        }

        /** Hands each request's report, one multi-line string, to this consumer. */
        public Builder output(Consumer<String> reportSink) {
            this.output = Objects.requireNonNull(reportSink, "reportSink (use noOutput() for none)");
            this.outputEnabled = () -> true;
            return this;
        }

        /** Prints no report. werkzeug: {@code stream=None}. */
        public Builder noOutput() {
            this.output = null;
            return this;
        }

        /**
         * The pstats sort keys of the report ({@code "cumtime"}, {@code "calls"}, ...; none: pstats'
         * "Random listing order"). werkzeug: {@code sort_by}, default {@code ("time", "calls")};
         * here {@code ("tottime", "calls")}, the same keys by their current names.
         *
         * @throws IllegalArgumentException for an unknown or ambiguous key
         */
        public Builder sortBy(String... keys) {
            List<String> k = List.of(keys);
            Stats.empty().sortStats(keys);
            this.sortBy = k;
            return this;
        }

        /**
         * pstats restrictions of the report: a String is a regular expression searched in each
         * label, an integer keeps the first N rows, a double in [0, 1) a fraction. werkzeug:
         * {@code restrictions}, default {@code ()}.
         *
         * @throws IllegalArgumentException for a restriction of another type
         */
        public Builder restrictions(Object... restrictions) {
            List<Object> r = List.of(restrictions);
            Stats.empty().formatStats(restrictions);
            this.restrictions = r;
            return this;
        }

        /**
         * Writes one profile file per request into this directory; null writes none. werkzeug:
         * {@code profile_dir}, default {@code None}. Unlike werkzeug the directory is created when
         * missing, and a failure to create or write is logged, never thrown into the request.
         */
        public Builder profileDir(Path dir) {
            this.profileDir = dir;
            return this;
        }

        /**
         * The file-name format: werkzeug's {@code filename_format}, default
         * {@value ProfilerOptions#DEFAULT_FILENAME_FORMAT}. Fields: {@code {method}},
         * {@code {path}} (werkzeug's dotted path, made safe by {@link SafeFileNames}),
         * {@code {elapsed}} (milliseconds) and {@code {time}} (epoch seconds at the end of the
         * request), the numbers rounded like Python's {@code .0f} or given a spec
         * {@code {elapsed:.2f}}. The extension picks the dump format (see {@link ProfileWriter}).
         * Literal text may only hold {@code A-Z a-z 0-9 . _ -}.
         *
         * @throws IllegalArgumentException for an unknown field (werkzeug: KeyError per request),
         *                                  a bad spec, a brace out of place or an unsafe literal
         */
        public Builder filenameFormat(String format) {
            this.fileNameFormat = FileNameFormat.compile(format);
            return this;
        }

        /**
         * Names files by a function of the finished request (werkzeug's callable form). Its
         * result is made safe by {@link SafeFileNames#sanitize(String)}. Files named this way
         * cannot be recognised after a restart, so retention counts only those of this run.
         */
        public Builder filenameFormat(Function<RequestInfo, String> format) {
            this.fileNameFormat = FileNameFormat.of(format);
            return this;
        }

        /** Writes each profile file; default {@link ProfileWriter#dumpStats()}. werkzeug: {@code dump_stats}. */
        public Builder profileWriter(ProfileWriter writer) {
            this.profileWriter = Objects.requireNonNull(writer, "writer");
            return this;
        }

        /**
         * Profiles only the requests this predicate accepts, asked at the start of the request
         * (its status and duration are not known yet). Default: every request. werkzeug has no
         * such option (werkzeug#781).
         */
        public Builder profileIf(Predicate<RequestInfo> predicate) {
            this.filter = Objects.requireNonNull(predicate, "predicate");
            return this;
        }

        /**
         * The fraction of (accepted) requests profiled, chosen at random. Default 1.0 (werkzeug
         * profiles every request).
         *
         * @throws IllegalArgumentException unless 0 &lt;= rate &lt;= 1
         */
        public Builder sampleRate(double rate) {
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException("sampleRate must be in [0, 1]: " + rate);
            }
            this.sampleRate = rate;
            return this;
        }

        /** The random source of sampling, in [0, 1); for tests. */
        Builder random(DoubleSupplier source) {
            this.random = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * The most profile files kept in the directory; the oldest of our files go first. Default
         * {@value ProfilerOptions#DEFAULT_MAX_FILES}; werkzeug keeps every file. "Ours" are the files
         * this middleware wrote, plus files of an earlier run whose names match the file-name format
         * when that format carries both {@code {elapsed}} and {@code {time}} (as the default does);
         * other files in the directory are never deleted.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxFiles(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxFiles must be at least 1: " + max);
            }
            this.maxFiles = max;
            return this;
        }

        /**
         * The most bytes of profile files kept in the directory; the oldest of our files go first,
         * but the newest is always kept. Default 1 GiB; werkzeug has no bound.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxTotalBytes(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxTotalBytes must be at least 1: " + max);
            }
            this.maxTotalBytes = max;
            return this;
        }

        /**
         * The most profiles kept in memory by {@link RecentProfiles}; 0 keeps none. Default
         * {@value ProfilerOptions#DEFAULT_RECENT_CAPACITY}. werkzeug keeps none.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder recentCapacity(int capacity) {
            if (capacity < 0) {
                throw new IllegalArgumentException("recentCapacity must not be negative: " + capacity);
            }
            this.recentCapacity = capacity;
            return this;
        }

        /**
         * How long a profile is kept in memory. Default one hour.
         *
         * @throws IllegalArgumentException unless positive
         */
        public Builder recentMaxAge(Duration age) {
            Objects.requireNonNull(age, "age");
            if (age.isZero() || age.isNegative()) {
                throw new IllegalArgumentException("recentMaxAge must be positive: " + age);
            }
            this.recentMaxAge = age;
            return this;
        }

        /** The clock of the in-memory age bound; for tests. */
        Builder ticker(LongSupplier t) {
            this.ticker = Objects.requireNonNull(t, "ticker");
            return this;
        }

        /**
         * Where a finished request's report is printed and its file written. Default: one
         * background thread per middleware behind a queue of {@link #writeQueueCapacity} tasks,
         * so a request never waits for the output (werkzeug prints before the response returns;
         * on a server that stays on in production, that would put the disk on every request's
         * path). Give {@code Runnable::run} for werkzeug's behaviour, on the thread that ends
         * the request; any other executor takes the work as it is, and a task it rejects drops
         * that request's report and file (counted in {@link RecentProfiles#droppedOutputs()}).
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * How many reports and files may wait for the default background writer (default
         * {@value #DEFAULT_WRITE_QUEUE_CAPACITY}). Past it, a request's report and file are dropped
         * and counted, never waited for: memory stays bounded whatever the request rate.
         *
         * @throws IllegalArgumentException if capacity is not positive
         */
        public Builder writeQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("writeQueueCapacity must be positive: " + capacity);
            }
            this.writeQueueCapacity = capacity;
            return this;
        }

        /**
         * How long work of a request (a dispatched task, a bound binding) may still run after the
         * response completed before the profile ends without it (default 60 s). The profile then
         * records an {@code error} saying so. This bounds how long an executor that accepted a
         * task and dropped it can keep a profile open.
         *
         * @throws IllegalArgumentException if age is not positive
         */
        public Builder lateWorkGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isZero() || grace.isNegative()) {
                throw new IllegalArgumentException("lateWorkGrace must be positive: " + grace);
            }
            this.lateWorkGrace = grace;
            return this;
        }

        /** The options. */
        public ProfilerOptions build() {
            return new ProfilerOptions(this);
        }
    }
}
