package dev.treeprof.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code treeprof} command's entry point: parses the command line with picocli and runs the
 * subcommand (registered in {@link TreeprofCommand}). Exit status {@value #OK} on success,
 * {@value #BAD_FILE} when a file cannot be loaded or written (with a message naming it on standard
 * error), {@value #USAGE} for a usage error.
 */
public final class Main {

    /** Exit status: success. */
    static final int OK = 0;
    /** Exit status: a file could not be loaded or written. */
    static final int BAD_FILE = 1;
    /** Exit status: a usage error (unknown command or option, bad value, missing argument). */
    static final int USAGE = 2;

    private final PrintWriter out;
    private final PrintWriter err;

    Main(PrintStream out, PrintStream err) {
        // labels are UTF-8 in the files; print them so whatever the platform's default charset
        this.out = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        this.err = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        int status = new Main(new PrintStream(new FileOutputStream(FileDescriptor.out), false),
                new PrintStream(new FileOutputStream(FileDescriptor.err), false)).run(args);
        System.exit(status);
    }

    /** Runs the command; returns the exit status. */
    int run(String... args) {
        try {
            return commandLine().execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command line with treeprof's streams, exit codes and error reporting. */
    CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TreeprofCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.getCommandSpec().exitCodeOnSuccess(OK)
                .exitCodeOnUsageHelp(OK)
                .exitCodeOnVersionHelp(OK)
                .exitCodeOnInvalidInput(USAGE)
                .exitCodeOnExecutionException(BAD_FILE);
        // picocli copies these settings to the subcommands only when set after adding them; the
        // spec settings above are per command, so repeat them for each subcommand
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().exitCodeOnSuccess(OK)
                    .exitCodeOnUsageHelp(OK)
                    .exitCodeOnVersionHelp(OK)
                    .exitCodeOnInvalidInput(USAGE)
                    .exitCodeOnExecutionException(BAD_FILE);
        }
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> fileError(e, commandLine));
        return cl;
    }

    /** Prints "treeprof: [command: ]message" and where to find help; exit status 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        boolean top = cl.getParent() == null;
        String message = e.getMessage();
        if (top && e instanceof UnmatchedArgumentException
                && !((UnmatchedArgumentException) e).getUnmatched().isEmpty()) {
            String first = ((UnmatchedArgumentException) e).getUnmatched().get(0);
            message = (first.startsWith("-") ? "unknown option '" : "unknown command '") + first
                    + "' (commands: " + String.join(", ", TreeprofCommand.commandNames(cl)) + ")";
        }
        err.println("treeprof: " + (top ? "" : cl.getCommandName() + ": ") + message);
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    /** A file that cannot be read or written: "treeprof: FILE: problem", exit status 1. */
    private static int fileError(Exception e, CommandLine cl) throws Exception {
        String message;
        if (e instanceof IOException) {
            message = e.getMessage();
        } else if (e instanceof UncheckedIOException) {
            message = e.getCause().getMessage();
        } else {
            throw e; // a bug, not a bad file: let it show with its stack trace
        }
        cl.getErr().println("treeprof: " + message);
        cl.getErr().flush();
        return BAD_FILE;
    }
}
