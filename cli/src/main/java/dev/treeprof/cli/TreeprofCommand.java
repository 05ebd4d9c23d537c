package dev.treeprof.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code treeprof} command. This is the one place where subcommands are registered:
 * each lives in its own class (a picocli {@code @Command} implementing
 * {@code Callable<Integer>}, see {@link StatsCommand}) and is listed in {@code subcommands} below.
 * File errors are thrown as {@link java.io.IOException} (exit status 1), usage errors as picocli's
 * {@link ParameterException} (exit status 2); {@link Main} reports both.
 */
@Command(name = "treeprof",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Prints, merges, converts and views profiles: Python's .prof (cProfile, pstats) and "
                + "treeprof's own dump formats.",
        subcommands = {
            StatsCommand.class,
            ConvertCommand.class,
            MergeCommand.class,
            ViewCommand.class,
            HelpCommand.class,
            AutoComplete.GenerateCompletion.class,
        },
        footerHeading = "%n",
        footer = {
            "Run 'treeprof COMMAND --help' for a command's options.",
            "Shell completion (bash, zsh): source <(treeprof generate-completion)",
            "",
            "Exit status: 0 success, 1 a file could not be loaded or written, 2 usage error.",
        })
final class TreeprofCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "no command given (commands: " + String.join(", ", commandNames(spec.commandLine())) + ")");
    }

    /** The names of the commands the help lists (not aliases, not hidden ones). */
    static List<String> commandNames(CommandLine top) {
        List<String> names = new ArrayList<>();
        top.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden() && name.equals(sub.getCommandName())) {
                names.add(name);
            }
        });
        return names;
    }
}
