/**
 * The {@code treeprof} command line, on picocli.
 *
 * <p><b>Dependencies.</b> The command is a front end of treeprof's file layer: besides the API it
 * uses {@code dev.treeprof.impl.format} (formats by name, loading files and directories) and
 * {@code dev.treeprof.impl.stats.StatsTable} directly, the one documented exception to "tools and
 * integrations use the API only". It never uses the recorder ({@code dev.treeprof.impl.record});
 * the architecture test in {@code src/test} holds it to that.
 *
 * <p>Adding a subcommand: write one class, e.g. {@code ViewCommand}, annotated
 * {@code @Command(name = "view", mixinStandardHelpOptions = true, versionProvider = Version.class,
 * description = {"One-line summary for the command list.", "", "Details..."})} and implementing
 * {@code Callable<Integer>} (return {@link dev.treeprof.cli.Main#OK}); add its class to the
 * {@code subcommands} list of {@link dev.treeprof.cli.TreeprofCommand}, the only registry. Then it
 * has {@code --help}, appears in {@code treeprof --help} and in the completion script. Conventions:
 * <ul>
 *   <li>Load FILE arguments through the {@link dev.treeprof.cli.InputFiles} mixin
 *       ({@code @Mixin InputFiles inputs; ... inputs.load(files)}): directories, patterns and
 *       {@code --glob} behave as in {@code stats}.</li>
 *   <li>Print to {@code spec.commandLine().getOut()} (with {@code @Spec CommandSpec spec}), never to
 *       {@code System.out}, so tests capture it.</li>
 *   <li>A file that cannot be read or written: throw an {@link java.io.IOException} whose message
 *       starts with the file name; {@link dev.treeprof.cli.Main} prints {@code treeprof: MESSAGE}
 *       and exits 1.</li>
 *   <li>A usage error found after parsing: throw
 *       {@code new ParameterException(spec.commandLine(), "message")}; it is printed as
 *       {@code treeprof: COMMAND: message} with a pointer to the command's help, exit status 2.</li>
 * </ul>
 */
package dev.treeprof.cli;
