package dev.treeprof.impl.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Facts about the JVM and host that recorded a profile, stored in the JSON dump. They travel in a
 * stats table's metadata under the keys {@code jvm.*} and {@code host.*}, so a dump that is loaded
 * and written again keeps the facts of the process that recorded it, not of the one converting.
 */
final class Facts {

    static final String JVM_PREFIX = "jvm.";
    static final String HOST_PREFIX = "host.";

    private static volatile Map<String, String> jvm;
    private static volatile Map<String, String> host;

    private Facts() {
    }

    static Map<String, String> jvm() {
        Map<String, String> m = jvm;
        if (m == null) {
            m = new LinkedHashMap<>();
            put(m, "name", System.getProperty("java.vm.name"));
            put(m, "vendor", System.getProperty("java.vm.vendor"));
            put(m, "version", System.getProperty("java.runtime.version", System.getProperty("java.version")));
            m = Collections.unmodifiableMap(m);
            jvm = m;
        }
        return m;
    }

    static Map<String, String> host() {
        Map<String, String> m = host;
        if (m == null) {
            m = new LinkedHashMap<>();
            put(m, "name", hostName());
            put(m, "os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            put(m, "arch", System.getProperty("os.arch"));
            put(m, "cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
            put(m, "pid", Long.toString(ProcessHandle.current().pid()));
            m = Collections.unmodifiableMap(m);
            host = m;
        }
        return m;
    }

    /** The host name without a DNS lookup, which can stall for seconds on a badly configured host. */
    private static String hostName() {
        for (String env : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        try {
            Path p = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(p)) {
                return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException | RuntimeException e) {
            // no host name then
        }
        return null;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
