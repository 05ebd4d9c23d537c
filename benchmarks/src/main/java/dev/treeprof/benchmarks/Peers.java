package dev.treeprof.benchmarks;

import com.codahale.metrics.MetricRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.util.StopWatch;

/**
 * Peers doing treeprof's job (time a region of code) around the same empty body as
 * {@link TreeprofScope}, each configured the cheapest way that still measures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = Settings.MICRO_WARMUP_ITERATIONS, time = Settings.MICRO_WARMUP_SECONDS)
@Measurement(iterations = Settings.MICRO_ITERATIONS, time = Settings.MICRO_SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class Peers {

    /** No JFR recording runs: the event class is registered but disabled. */
    @State(Scope.Benchmark)
    public static class JfrIdle {
    }

    /**
     * A JFR recording with the benchmark event on, threshold 0, in memory (old data is discarded
     * when the buffers fill, so disk speed does not enter the figure: the most favourable set-up).
     */
    public abstract static class JfrRecording {
        Recording recording;

        abstract boolean stackTraces();

        @Setup(Level.Trial)
        public void start() {
            recording = new Recording();
            var settings = recording.enable(BenchEvent.class).withThreshold(Duration.ZERO);
            if (stackTraces()) {
                settings.withStackTrace();
            } else {
                settings.withoutStackTrace();
            }
            recording.setToDisk(false);
            recording.start();
        }

        @TearDown(Level.Trial)
        public void stop() {
            recording.stop();
            recording.close();
        }
    }

    @State(Scope.Benchmark)
    public static class JfrNoStack extends JfrRecording {
        @Override
        boolean stackTraces() {
            return false;
        }
    }

    @State(Scope.Benchmark)
    public static class JfrStack extends JfrRecording {
        @Override
        boolean stackTraces() {
            return true;
        }
    }

    @State(Scope.Benchmark)
    public static class Micrometer {
        SimpleMeterRegistry registry;
        Timer timer;

        @Setup(Level.Trial)
        public void setUp() {
            registry = new SimpleMeterRegistry();
            timer = Timer.builder("bench.scope").register(registry);
        }

        @TearDown(Level.Trial)
        public void check() {
            if (timer.count() == 0) {
                throw new IllegalStateException("nothing was recorded");
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Dropwizard {
        com.codahale.metrics.Timer timer;

        @Setup(Level.Trial)
        public void setUp() {
            timer = new MetricRegistry().timer("bench.scope");
        }

        @TearDown(Level.Trial)
        public void check() {
            if (timer.getCount() == 0) {
                throw new IllegalStateException("nothing was recorded");
            }
        }
    }

    /** The OpenTelemetry SDK, sampling every span, with no processor: spans are timed then dropped. */
    @State(Scope.Benchmark)
    public static class OtelSdk {
        SdkTracerProvider provider;
        Tracer tracer;

        @Setup(Level.Trial)
        public void setUp() {
            provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                    .addSpanProcessor(new DroppingProcessor()).build();
            tracer = provider.get("treeprof-benchmarks");
            Span probe = tracer.spanBuilder("probe").startSpan();
            if (!probe.isRecording()) {
                throw new IllegalStateException("the SDK span must record");
            }
            probe.end();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            provider.close();
        }
    }

    /** Where an exporting processor would queue the ended span, this one lets it go. */
    static final class DroppingProcessor implements SpanProcessor {
        @Override
        public void onStart(io.opentelemetry.context.Context parent, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }

    /** The OpenTelemetry API without an SDK: no-op spans, but context propagation still runs. */
    @State(Scope.Benchmark)
    public static class OtelApi {
        Tracer tracer;

        @Setup(Level.Trial)
        public void setUp() {
            tracer = OpenTelemetry.noop().getTracer("treeprof-benchmarks");
        }
    }

    /** One StopWatch per thread, reused, without its task list (its cheapest use). */
    @State(Scope.Thread)
    public static class SpringReused {
        StopWatch watch;

        @Setup(Level.Trial)
        public void setUp() {
            watch = new StopWatch("bench");
            watch.setKeepTaskList(false);
        }
    }

    @Benchmark
    public void jfrEventNoRecording(JfrIdle idle) {
        BenchEvent e = new BenchEvent();
        e.begin();
        e.end();
        e.commit();
    }

    @Benchmark
    public void jfrEventNoStack(JfrNoStack recording) {
        BenchEvent e = new BenchEvent();
        e.begin();
        e.end();
        e.commit();
    }

    @Benchmark
    public void jfrEventStack(JfrStack recording) {
        BenchEvent e = new BenchEvent();
        e.begin();
        e.end();
        e.commit();
    }

    @Benchmark
    public void micrometerTimerSample(Micrometer m) {
        Timer.Sample sample = Timer.start(m.registry);
        sample.stop(m.timer);
    }

    @Benchmark
    public void dropwizardTimer(Dropwizard d) {
        try (com.codahale.metrics.Timer.Context c = d.timer.time()) {
        }
    }

    @Benchmark
    public void otelSdkSpan(OtelSdk otel) {
        Span span = otel.tracer.spanBuilder("bench.scope").startSpan();
        try (io.opentelemetry.context.Scope s = span.makeCurrent()) {
        } finally {
            span.end();
        }
    }

    @Benchmark
    public void otelApiSpan(OtelApi otel) {
        Span span = otel.tracer.spanBuilder("bench.scope").startSpan();
        try (io.opentelemetry.context.Scope s = span.makeCurrent()) {
        } finally {
            span.end();
        }
    }

    @Benchmark
    public long springStopWatch(SpringReused s) {
        s.watch.start("bench.scope");
        s.watch.stop();
        return s.watch.getTaskCount();
    }

    /** The common use: a new StopWatch per timed region. */
    @Benchmark
    public long springStopWatchNew() {
        StopWatch watch = new StopWatch();
        watch.start("bench.scope");
        watch.stop();
        return watch.getTotalTimeNanos();
    }
}
