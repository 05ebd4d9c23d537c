package dev.treeprof.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's command section shows every command's synopsis as {@code treeprof COMMAND --help}
 * prints it, so the two cannot drift when options or commands are added.
 */
class ReadmeUsageTest {

    private static final Pattern USAGE_BLOCK = Pattern.compile("(?m)^```\\n(Usage: treeprof \\[-hV] COMMAND\\n.*?)^```$",
            Pattern.DOTALL);

    @Test
    void readmeShowsEveryCommandsSynopsis() throws IOException {
        Path file = Path.of("..", "README.md");
        assertTrue(Files.isRegularFile(file), "the tests run in the cli module, beside the README: " + file);
        Matcher m = USAGE_BLOCK.matcher(Files.readString(file, StandardCharsets.UTF_8));
        assertTrue(m.find(), "README.md has the command's usage block");
        Map<String, String> shown = new LinkedHashMap<>();
        for (String synopsis : m.group(1).split("(?m)^(?=Usage: )")) {
            String[] words = synopsis.split("\\s+");
            shown.put(words[2].startsWith("[") ? "" : words[2], normalize(synopsis.substring("Usage: ".length())));
        }

        CommandLine top = new Main(System.out, System.err).commandLine();
        Map<String, String> real = new LinkedHashMap<>();
        real.put("", synopsis(top));
        top.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                real.put(name, synopsis(sub));
            }
        });
        assertEquals(real, shown, "README.md's usage block vs 'treeprof COMMAND --help'");
    }

    private static String synopsis(CommandLine cl) {
        cl.setUsageHelpWidth(1000); // one line: no wrapping inside a bracket
        return normalize(cl.getHelp().synopsis(0));
    }

    /** Line breaks are layout: the help wraps at its width, the README at its own. */
    private static String normalize(String synopsis) {
        return synopsis.replaceAll("\\s+", " ").strip();
    }
}
