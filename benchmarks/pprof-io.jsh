// Sizes and write/read times of one ~100k-node call tree as treeprof JSON and as pprof (.pb.gz).
// Not a JMH benchmark: best of 25 in one JVM, enough to compare the two formats' order of magnitude.
// Run from the repository root, after the command's jar is built (./treeprof --help builds it):
//   jshell --class-path cli/target/treeprof-cli-0.1.0-SNAPSHOT.jar benchmarks/pprof-io.jsh
import dev.treeprof.*;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.impl.format.*;
import java.nio.file.*;
import java.util.*;

/** A tree 4 levels deep, 46 children per node; names repeat (seven per level), as real code's do. */
CallNode build(int depth, int fan, String prefix) {
    if (depth == 0) {
        return CallNode.of(ScopeName.of("com/example/F" + prefix + ".java", 10, "leaf" + prefix), 3, 3000, 3000, List.of());
    }
    List<CallNode> kids = new ArrayList<>();
    long total = 1000;
    for (int i = 0; i < fan; i++) {
        CallNode k = build(depth - 1, fan, prefix + "_" + (i % 7));
        kids.add(k);
        total += k.totalNanos();
    }
    return CallNode.of(ScopeName.of("com/example/F" + prefix.length() + ".java", depth, "f" + prefix), 2, total, 1000, kids);
}

CallNode top = build(3, 46, "");
StatsTable t = StatsTable.fromThreads(List.of(ThreadTree.of("main", CallNode.of(ThreadTree.ROOT, 0, 0, 0, List.of(top)))),
        Map.of("request.method", "GET"), 1, 1);
Path dir = Files.createTempDirectory("treeprof-pprof-io");
System.out.println("nodes " + t.callTree().nodeCount());
for (String ext : new String[] {".json", ".pb.gz"}) {
    Path f = dir.resolve("big" + ext);
    long write = Long.MAX_VALUE;
    long read = Long.MAX_VALUE;
    for (int i = 0; i < 25; i++) {
        long s = System.nanoTime();
        Dumps.write(t, f);
        write = Math.min(write, System.nanoTime() - s);
        s = System.nanoTime();
        Dumps.read(f).rows();
        read = Math.min(read, System.nanoTime() - s);
    }
    System.out.printf("%-7s %9d bytes, write %4.0f ms, read %4.0f ms (best of 25)%n", ext, Files.size(f), write / 1e6, read / 1e6);
    Files.delete(f);
}
Files.delete(dir);
/exit
