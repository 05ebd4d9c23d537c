package dev.treeprof.cli;

import dev.treeprof.viewer.ViewerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code treeprof view}: serves profile files and directories to the browser until stopped. */
@Command(name = "view",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Serves profiles to your browser: the list of requests (sort, filter, group by route), "
                    + "icicle and flame graphs of the exact call trees, the pstats table with callers and "
                    + "callees, merges and diffs.",
            "",
            "A PATH is a profile (.prof from cProfile or treeprof, treeprof .json) or a directory searched "
                    + "for them; directories are re-read as files arrive. Open the address printed; Ctrl-C stops.",
        },
        footerHeading = "%n",
        footer = "Exit status: 0 when stopped, 1 a path does not exist or the port is taken, 2 usage error.")
final class ViewCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ViewerServer.DEFAULT_HOST,
            description = "the address to listen on (default: ${DEFAULT-VALUE}); any other prints a warning, "
                    + "since profiles reveal your code's names and request paths.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ViewerServer.DEFAULT_PORT,
            description = "the port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "profile files or directories of them.")
    List<Path> paths;

    @Override
    public Integer call() throws IOException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be from 0 to 65535, not " + port);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (ViewerServer.isExposed(host)) {
            err.println(ViewerServer.exposureWarning(host));
            err.flush();
        }
        ViewerServer server = ViewerServer.start(host, port, paths);
        Thread stop = new Thread(server::close, "treeprof-view-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        out.println("treeprof view: serving " + String.join(", ", paths.stream().map(Path::toString).toList())
                + " at " + server.url() + " (Ctrl-C to stop)");
        out.flush();
        try {
            // serve until the process is stopped (Ctrl-C runs the hook) or this thread is interrupted
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        return Main.OK;
    }
}
