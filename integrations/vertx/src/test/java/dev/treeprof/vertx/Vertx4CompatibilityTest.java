package dev.treeprof.vertx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The same jar on Vert.x 4.5: the service provider's 4.x {@code init} keeps Vert.x creation
 * working and registers the slot, and requests are attributed across hops as on Vert.x 5. Runs
 * {@link Vertx4Probe} with this module's classes and Vert.x 4.5.32 (copied by the build into
 * {@code target/vertx4}) in place of Vert.x 5 and Netty 4.2.
 */
class Vertx4CompatibilityTest {

    @Test
    void worksOnVertx45WithTheVertxBuiltFirst() throws Exception {
        Path jars = ChildJvm.mainClasses().resolveSibling("vertx4");
        List<String> cp = new ArrayList<>();
        for (String e : ChildJvm.classPath()) {
            String unix = e.replace('\\', '/');
            if (!unix.contains("/io/vertx/") && !unix.contains("/io/netty/")) {
                cp.add(e);
            }
        }
        List<String> vertx4 = jars4(jars);
        assertEquals(18, vertx4.size(), "Vert.x 4.5 and Netty 4.1 jars in " + jars + ": " + vertx4);
        cp.addAll(vertx4);
        String out = ChildJvm.run(cp, Vertx4Probe.class);
        assertTrue(out.contains("vertx-core-4.5"), out);
        assertTrue(out.contains("vertx4: slot=true good=30/30 plain=[plain] bound=0"), out);
    }

    private static List<String> jars4(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).map(Path::toString).sorted().collect(Collectors.toList());
        }
    }
}
