package dev.treeprof.examples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.treeprof.examples.JavaProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java snippet of the repository's README.md is compiled code: each {@code ```java} block
 * equals a region of this package's sources between {@code // [readme:NAME]} and
 * {@code // [/readme:NAME]} (indentation aside), and every region appears in the README. The Quick
 * start is also run, and prints what the README shows under it (times masked: they vary).
 */
class ReadmeSnippetsTest {

    private static final Pattern BLOCK = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```$", Pattern.DOTALL);
    private static final Pattern REGION =
            Pattern.compile("(?m)^[ \\t]*// \\[readme:([\\w-]+)]\\n(.*?)^[ \\t]*// \\[/readme:\\1]$", Pattern.DOTALL);
    private static final Pattern TIME = Pattern.compile("\\d+\\.\\d{3}");

    private static String readme;
    private static Map<String, String> regions;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        Path file = Path.of("..", "README.md");
        assertTrue(Files.isRegularFile(file), "the tests run in the examples module, beside the README: " + file);
        readme = Files.readString(file, StandardCharsets.UTF_8);
        regions = new LinkedHashMap<>();
        Path sources = Path.of("src", "main", "java", "dev", "treeprof", "examples", "readme");
        try (Stream<Path> files = Files.list(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                Matcher m = REGION.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    assertTrue(regions.put(m.group(1), dedent(m.group(2))) == null, "region " + m.group(1) + " twice");
                }
            }
        }
        assertTrue(regions.containsKey("quick-start"), "the Quick start region exists: " + regions.keySet());
    }

    @Test
    void everyJavaSnippetIsCompiledCode() {
        List<String> used = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        int blocks = 0;
        while (m.find()) {
            if (!m.group(1).equals("java")) {
                continue;
            }
            blocks++;
            String snippet = dedent(m.group(2));
            String name = regions.entrySet().stream().filter(e -> e.getValue().equals(snippet))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (name == null) {
                fail("README.md's Java snippet at line " + line(m.start()) + " is not a region of "
                        + "examples/src/main/java/dev/treeprof/examples/readme (copy it there between "
                        + "// [readme:NAME] and // [/readme:NAME], or fix the README):\n" + snippet
                        + "\nclosest region:\n" + closest(snippet));
            }
            used.add(name);
        }
        assertTrue(blocks >= 3, "the README's Quick start and web snippets were found: " + blocks);
        for (String name : regions.keySet()) {
            assertTrue(used.contains(name), "region " + name + " is no longer in README.md: remove it or restore it");
        }
    }

    @Test
    void quickStartPrintsWhatTheReadmeShows() throws Exception {
        String code = regions.get("quick-start");
        int at = readme.indexOf("```java\n" + code);
        assertTrue(at >= 0, "the Quick start snippet is in the README verbatim");
        Matcher m = BLOCK.matcher(readme);
        assertTrue(m.find(at) && m.find(), "an output block follows the Quick start");
        assertEquals("", m.group(1), "the block after the Quick start is its output");
        String shown = m.group(2);

        JavaProcess p = JavaProcess.start(dir, QuickStart.class);
        assertEquals(0, p.waitFor(60), p.stderr());
        assertEquals("", p.stderr());
        assertEquals(mask(shown), mask(p.stdout()), "README's Quick start output (times masked) vs the real one");
    }

    /** Times vary from run to run; counts, names, order and layout do not. */
    private static String mask(String text) {
        return TIME.matcher(text.stripTrailing()).replaceAll(r -> r.group().replaceAll("\\d", "#"));
    }

    private static String dedent(String block) {
        String[] lines = block.split("\n", -1);
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        }
        return b.toString().strip() + "\n";
    }

    private static int line(int offset) {
        return (int) readme.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    /** The region sharing the most lines with the snippet, for the failure message. */
    private static String closest(String snippet) {
        List<String> lines = List.of(snippet.split("\n"));
        String best = "(none)";
        long bestCount = -1;
        for (Map.Entry<String, String> e : regions.entrySet()) {
            long count = Stream.of(e.getValue().split("\n")).filter(lines::contains).count();
            if (count > bestCount) {
                bestCount = count;
                best = e.getKey() + ":\n" + e.getValue();
            }
        }
        return best;
    }
}
