package dev.treeprof.viewer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last profiles sent, as their JSON bytes, so going back to a profile (or a merge) does not
 * load and convert its files again. Keyed by the files' ids, sizes and modification times, so a
 * file that changes is converted afresh; bounded by total bytes, least recently used first out.
 */
final class ResponseCache {

    private final long maxBytes;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ResponseCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized byte[] get(String key) {
        return entries.get(key);
    }

    synchronized void put(String key, byte[] value) {
        if (value.length > maxBytes / 2) {
            return;
        }
        byte[] old = entries.put(key, value);
        bytes += value.length - (old == null ? 0 : old.length);
        Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= it.next().getValue().length;
            it.remove();
        }
    }
}
