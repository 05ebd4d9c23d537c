package dev.treeprof.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An example's main class run as its own JVM on this module's class path (the runtime class path
 * the main job uses, plus the test libraries), output captured to files: not a terminal.
 */
public final class JavaProcess {

    private final Process process;
    private final Path out;
    private final Path err;

    private JavaProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code mainClass} with {@code args} in {@code dir}. */
    public static JavaProcess start(Path dir, Class<?> mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new JavaProcess(p, out, err);
    }

    /** Waits for the process to end by itself; returns its exit status. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within " + seconds + " s; stdout:\n" + stdout());
        }
        return process.exitValue();
    }

    /** Asks the process to stop as Ctrl-C would (SIGTERM runs the same shutdown hooks). */
    public int stop(long seconds) throws InterruptedException {
        process.destroy();
        return waitFor(seconds);
    }

    /** Waits until standard output contains {@code text}; returns standard output. */
    public String awaitOutput(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String s = stdout();
            if (s.contains(text)) {
                return s;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' in the output; stdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
