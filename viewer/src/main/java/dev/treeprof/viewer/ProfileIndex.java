package dev.treeprof.viewer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.treeprof.Stats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The profiles under the paths the viewer was given, kept up to date as files arrive: while the
 * listing is asked for, the directories are re-read in the background at most once a second (never
 * on the asking request's thread), and only new or changed files are loaded again, one at a time on
 * a background thread, so a directory of thousands of profiles is listed at once and its summaries
 * fill in. The listing's JSON is built once per {@link #version()} and served from those bytes.
 *
 * <p>A file is loaded once however it is asked for: a request for a profile whose summary is still
 * being made waits for that load instead of starting a second one (on two cores, two loads of a
 * large file side by side took twice as long), and a request that loads a file first hands its
 * summary to the index.
 *
 * <p>Only what a scan found can be served: a file is looked up by its id ({@code rootIndex/relative
 * path}), never by a path taken from a request. Symbolic links are followed only when they lead to
 * a regular file inside the same root, checked again when the file is opened.
 */
final class ProfileIndex implements ProfileSource {

    /** How old the listing may be before a request re-reads the directories. */
    static final long RESCAN_MILLIS = 1000;
    /** How deep directories are searched. */
    static final int MAX_DEPTH = 8;

    private static final JsonFactory FACTORY = new JsonFactory();

    /** One profile file; its summary or error arrives from the loader. */
    static final class Entry implements ProfileSource.Item {
        final String id;
        final String name;
        final Path file;
        final int root;
        final long size;
        final long modifiedMillis;
        volatile ProfileSummary summary;
        volatile String error;

        Entry(String id, String name, Path file, int root, long size, long modifiedMillis) {
            this.id = id;
            this.name = name;
            this.file = file;
            this.root = root;
            this.size = size;
            this.modifiedMillis = modifiedMillis;
        }

        boolean pending() {
            return summary == null && error == null;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String name() {
            return name;
        }

        /** A file rewritten in place gets a new key: its size or modification time changes. */
        @Override
        public String cacheKey() {
            return id + '\0' + size + '\0' + modifiedMillis;
        }
    }

    private final List<Path> roots = new ArrayList<>();
    private final List<Path> realRoots = new ArrayList<>();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong(1);
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "treeprof-viewer-index");
        t.setDaemon(true);
        return t;
    });
    /** Re-reads the directories when a listing is asked for and the last scan is old. */
    private final ExecutorService scanner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "treeprof-viewer-scan");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scanQueued = new AtomicBoolean();
    /** Loads under way, by entry: a second asker waits for the first load. */
    private final Map<Entry, CompletableFuture<Stats>> loading = new ConcurrentHashMap<>();
    private final Object listLock = new Object();
    private long listVersion = -1;
    private byte[] listBytes;
    private long lastScanNanos;
    private boolean scanned;

    /**
     * @throws IOException naming a path that does not exist or cannot be read
     */
    ProfileIndex(List<Path> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no profile files or directories given");
        }
        for (Path p : paths) {
            Path abs = p.toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                throw new java.nio.file.NoSuchFileException(p.toString(), null, "no such file or directory");
            }
            roots.add(abs);
            realRoots.add(abs.toRealPath());
        }
    }

    /** The number of the current listing; it changes whenever an entry appears, goes or loads. */
    long version() {
        return version.get();
    }

    /** Re-reads the directories now if they were never read, else if the listing is older than {@link #RESCAN_MILLIS}. */
    void refresh() {
        refresh(RESCAN_MILLIS);
    }

    /**
     * Has the directories re-read in the background if the listing is older than
     * {@link #RESCAN_MILLIS}, without waiting: the caller answers from the index as it is (a scan
     * of 10,000 files costs a few hundred milliseconds).
     */
    void refreshSoon() {
        synchronized (this) {
            if (!scanned) {
                refresh(0);
                return;
            }
            if (System.nanoTime() - lastScanNanos < TimeUnit.MILLISECONDS.toNanos(RESCAN_MILLIS)) {
                return;
            }
        }
        if (scanQueued.compareAndSet(false, true)) {
            try {
                scanner.execute(() -> {
                    scanQueued.set(false);
                    refresh(RESCAN_MILLIS);
                });
            } catch (RejectedExecutionException closed) {
                scanQueued.set(false);
            }
        }
    }

    /** Re-reads the directories if the listing is older than {@code maxAgeMillis}. */
    synchronized void refresh(long maxAgeMillis) {
        long now = System.nanoTime();
        if (scanned && now - lastScanNanos < TimeUnit.MILLISECONDS.toNanos(maxAgeMillis)) {
            return;
        }
        scanned = true;
        lastScanNanos = now;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < roots.size(); i++) {
            scanRoot(i, seen);
        }
        if (entries.keySet().retainAll(seen)) {
            version.incrementAndGet();
        }
    }

    private void scanRoot(int i, Set<String> seen) {
        Path given = roots.get(i);
        if (Files.isRegularFile(given)) {
            consider(i, given, given.getFileName().toString(), seen);
            return;
        }
        // walk the real directory: a root given as a link to a directory would otherwise be visited
        // as the link itself, and list nothing
        Path root = realRoots.get(i);
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (!attrs.isDirectory()) {
                                consider(i, file, root.relativize(file).toString().replace('\\', '/'), seen);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            // a root that vanished lists nothing; its entries are dropped
        }
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** Profiles are .prof and treeprof .json files; the other dump formats cannot be loaded. */
    static boolean isProfileName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith(".")) {
            return false;
        }
        if (n.endsWith(".speedscope.json") || n.endsWith(".trace.json")) {
            return false;
        }
        return n.endsWith(".prof") || n.endsWith(".pstats") || n.endsWith(".json");
    }

    private void consider(int root, Path file, String relative, Set<String> seen) {
        if (!isProfileName(file.getFileName().toString())) {
            return;
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                if (!insideRoot(root, file)) {
                    return;
                }
                attrs = Files.readAttributes(file, BasicFileAttributes.class);
            }
        } catch (IOException e) {
            return;
        }
        if (!attrs.isRegularFile()) {
            return;
        }
        String id = root + "/" + relative;
        seen.add(id);
        long size = attrs.size();
        long mtime = attrs.lastModifiedTime().toMillis();
        Entry old = entries.get(id);
        if (old != null && old.size == size && old.modifiedMillis == mtime) {
            return;
        }
        String name = roots.size() == 1 ? relative : roots.get(root).getFileName() + "/" + relative;
        Entry e = new Entry(id, name, file, root, size, mtime);
        entries.put(id, e);
        version.incrementAndGet();
        loader.execute(() -> summarize(e));
    }

    private void summarize(Entry e) {
        if (entries.get(e.id) != e || !e.pending()) {
            return;
        }
        try {
            load(e, openable(e));
        } catch (IOException | RuntimeException ex) {
            if (e.pending()) {
                e.error = message(ex);
                version.incrementAndGet();
            }
        }
    }

    /**
     * The stats of an entry's file ({@code file}, from {@link #openable}), loaded once for however
     * many ask at the same time; the entry's summary is made from them if it has none yet.
     *
     * @throws IOException if the file cannot be read or is not a profile
     */
    Stats load(Entry e, Path file) throws IOException {
        CompletableFuture<Stats> mine = new CompletableFuture<>();
        CompletableFuture<Stats> running = loading.putIfAbsent(e, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException | CancellationException ex) {
                Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                String why = cause instanceof Exception ? message((Exception) cause) : cause.toString();
                if (cause instanceof IOException) {
                    throw new IOException(why, cause);
                }
                throw new IllegalStateException(why, cause);
            }
        }
        try {
            Stats stats = Stats.load(file);
            if (e.pending()) {
                try {
                    e.summary = ProfileSummary.of(stats, e.file.getFileName().toString());
                } catch (RuntimeException ex) {
                    e.error = message(ex);
                }
                version.incrementAndGet();
            }
            mine.complete(stats);
            return stats;
        } catch (IOException | RuntimeException ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            loading.remove(e, mine);
        }
    }

    /** The message a user reads for a file that cannot be loaded. */
    static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** True if the file, links resolved, is inside the real path of its root. */
    boolean insideRoot(int root, Path file) {
        try {
            return file.toRealPath().startsWith(realRoots.get(root));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The file of an entry, checked once more (a link may have been changed since the scan).
     *
     * @throws java.nio.file.NoSuchFileException if it is gone or now leads outside its root
     */
    Path openable(Entry e) throws IOException {
        if (!insideRoot(e.root, e.file) || !Files.isRegularFile(e.file)) {
            throw new java.nio.file.NoSuchFileException(e.name);
        }
        return e.file;
    }

    /**
     * The entry with this id, or null. Ids are only looked up, never resolved as paths; an id that
     * is not a plain relative name ({@code ..}, {@code .}, empty segments, backslashes, control
     * characters) is refused before the lookup.
     */
    Entry find(String id) {
        if (!plainId(id)) {
            return null;
        }
        Entry e = entries.get(id);
        if (e == null) {
            // perhaps a file that arrived since the last scan
            refresh(100);
            e = entries.get(id);
        }
        return e;
    }

    static boolean plainId(String id) {
        if (id == null || id.isEmpty() || id.length() > 4096 || id.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
                return false;
            }
        }
        for (String segment : id.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Has the directories re-read in the background when the listing is old ({@link #refreshSoon}). */
    @Override
    public long refreshedVersion() {
        refreshSoon();
        return version();
    }

    @Override
    public Item lookup(String id) throws NotFound {
        Entry e = find(id);
        if (e == null) {
            throw new NotFound("not found");
        }
        return e;
    }

    /** Loads the files together, as {@link Stats#load} merges them; one file only once however many ask. */
    @Override
    public Stats load(List<Item> items) throws IOException, NotFound {
        Path[] files = new Path[items.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = openableOrNotFound((Entry) items.get(i));
        }
        // one file: loaded once, also when its summary is being made right now
        return files.length == 1 ? load((Entry) items.get(0), files[0]) : Stats.load(files);
    }

    @Override
    public Raw raw(Item item) throws IOException, NotFound {
        Entry e = (Entry) item;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(openable(e));
        } catch (IOException ex) {
            throw new NotFound("not found");
        }
        return new Raw(e.file.getFileName().toString(), bytes);
    }

    private Path openableOrNotFound(Entry e) throws NotFound {
        try {
            return openable(e);
        } catch (IOException ex) {
            throw new NotFound("not found");
        }
    }

    /** True once every entry has its summary or error. */
    boolean complete() {
        for (Entry e : entries.values()) {
            if (e.pending()) {
                return false;
            }
        }
        return true;
    }

    /** How many callers wait for the load of {@code e} under way, -1 if none is under way. */
    int waitingFor(Entry e) {
        CompletableFuture<Stats> f = loading.get(e);
        return f == null ? -1 : f.getNumberOfDependents();
    }

    /**
     * The listing as {@link #writeList} writes it, made again only when the version has changed
     * since the last call: the page polls it every second or two, and a listing of 10,000 files is
     * a few megabytes.
     */
    @Override
    public byte[] listJson() throws IOException {
        synchronized (listLock) {
            long v = version();
            if (listBytes == null || listVersion != v) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, entries.size() * 200));
                writeList(out, v);
                listBytes = out.toByteArray();
                listVersion = v;
            }
            return listBytes;
        }
    }

    /** Writes the listing: the version, whether every summary is in, and one object per file. */
    void writeList(OutputStream out) throws IOException {
        writeList(out, version());
    }

    // the version is read before the entries, so a change made while writing makes the next call write again
    private void writeList(OutputStream out, long listedVersion) throws IOException {
        List<Entry> list = new ArrayList<>(entries.values());
        list.sort((a, b) -> a.id.compareTo(b.id));
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("version", listedVersion);
            boolean complete = true;
            g.writeArrayFieldStart("entries");
            for (Entry e : list) {
                g.writeStartObject();
                g.writeStringField("id", e.id);
                g.writeStringField("name", e.name);
                g.writeNumberField("size", e.size);
                g.writeNumberField("modifiedMillis", e.modifiedMillis);
                ProfileSummary s = e.summary;
                String err = e.error;
                if (s != null) {
                    s.writeFields(g);
                } else if (err != null) {
                    g.writeStringField("error", err);
                } else {
                    complete = false;
                    g.writeBooleanField("pending", true);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("complete", complete);
            g.writeEndObject();
        }
    }

    @Override
    public void close() {
        loader.shutdownNow();
        scanner.shutdownNow();
    }
}
