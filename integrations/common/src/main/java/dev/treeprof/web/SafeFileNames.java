package dev.treeprof.web;


import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns request data into file names that stay inside the profile directory.
 *
 * <p>werkzeug names a profile after {@code PATH_INFO.strip("/").replace("/", ".") or "root"}
 * and the raw method. That is kept for ordinary paths ({@code /a/b/c/} gives {@code a.b.c},
 * {@code /} gives {@code root}, {@code /a//b} gives {@code a..b}), but a hostile request cannot
 * reach outside the directory nor make the write fail:
 * <ul>
 *   <li>{@code \}, {@code %2F} and {@code %5C} (any case) separate segments like {@code /};</li>
 *   <li>a {@code .} or {@code ..} segment becomes {@code _};</li>
 *   <li>every code point outside {@code [A-Za-z0-9._-]} (controls, NUL, {@code %}, spaces,
 *       non-ASCII) becomes {@code _}, in the method too;</li>
 *   <li>names are capped at {@value #MAX_NAME_LENGTH} characters (file systems allow 255 bytes),
 *       cutting the path part and keeping the extension;</li>
 *   <li>{@link #resolveInside(Path, String)} finally checks that the file's parent is exactly the
 *       directory.</li>
 * </ul>
 */
public final class SafeFileNames {

    /** The longest file name produced. */
    public static final int MAX_NAME_LENGTH = 200;
    /** The longest method part: real methods are short, longer ones are cut. */
    public static final int MAX_METHOD_LENGTH = 32;

    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2[fF]|5[cC])");
    /** Extensions the dump writer knows, longest first so double extensions are kept whole. */
    /** The dump extensions and the format each names, longest first (so .speedscope.json is not .json). */
    private static final String[][] KNOWN_EXTENSIONS = {{".speedscope.json", "speedscope"}, {".trace.json", "trace"},
        {".pb.gz", "pprof"}, {".pprof", "pprof"}, {".collapsed", "folded"}, {".folded", "folded"}, {".prof", "prof"},
        {".json", "json"}};
    private static final int MAX_PLAIN_EXTENSION = 12;

    private SafeFileNames() {
    }

    /** Whether a character may appear in a produced file name. */
    static boolean safe(int cp) {
        return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9'
                || cp == '.' || cp == '_' || cp == '-';
    }

    /**
     * The path part of a file name: werkzeug's dotted path, made safe as described above.
     * A query (from {@code '?'}) is dropped; null or a path of only separators gives {@code root}.
     */
    public static String pathPart(String requestPath) {
        if (requestPath == null) {
            return "root";
        }
        int q = requestPath.indexOf('?');
        String p = q >= 0 ? requestPath.substring(0, q) : requestPath;
        if (p.indexOf('%') >= 0) {
            p = ENCODED_SEPARATOR.matcher(p).replaceAll("/");
        }
        p = p.replace('\\', '/');
        int from = 0;
        int to = p.length();
        while (from < to && p.charAt(from) == '/') {
            from++;
        }
        while (to > from && p.charAt(to - 1) == '/') {
            to--;
        }
        if (from == to) {
            return "root";
        }
        String[] segments = p.substring(from, to).split("/", -1);
        StringBuilder b = new StringBuilder(to - from);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                b.append('.');
            }
            String seg = segments[i];
            if (seg.equals(".") || seg.equals("..")) {
                b.append('_');
            } else {
                appendSafe(b, seg);
            }
        }
        return b.toString();
    }

    /** The method part of a file name: unsafe characters replaced, at most {@value #MAX_METHOD_LENGTH} long, never empty. */
    public static String methodPart(String method) {
        if (method == null || method.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(method.length());
        appendSafe(b, method);
        String m = b.length() > MAX_METHOD_LENGTH ? b.substring(0, MAX_METHOD_LENGTH) : b.toString();
        return m.equals(".") || m.equals("..") ? "_" : m;
    }

    /**
     * Makes any candidate name safe: unsafe characters replaced by {@code _}, no leading or
     * trailing dot (hidden files; Windows drops trailing dots), never empty, and at most
     * {@value #MAX_NAME_LENGTH} characters by {@link #truncate}. Used for names from a file-name
     * lambda, which may contain request data too.
     */
    public static String sanitize(String name) {
        if (name == null || name.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(name.length());
        appendSafe(b, name);
        if (b.charAt(0) == '.') {
            b.setCharAt(0, '_');
        }
        if (b.charAt(b.length() - 1) == '.') {
            b.setCharAt(b.length() - 1, '_');
        }
        return truncate(b.toString(), MAX_NAME_LENGTH);
    }

    /**
     * Cuts a name to at most maxLength characters keeping its extension (a known dump extension
     * such as {@code .speedscope.json}, else the text after the last dot when short). A cut name
     * gets a hash of the whole name before the extension, so long names differing only at their
     * end do not collide.
     *
     * @throws IllegalArgumentException if maxLength is below 32
     */
    public static String truncate(String name, int maxLength) {
        if (maxLength < 32) {
            throw new IllegalArgumentException("maxLength must be at least 32: " + maxLength);
        }
        if (name.length() <= maxLength) {
            return name;
        }
        String ext = extension(name);
        String hash = hashTag(name);
        int keep = maxLength - ext.length() - hash.length();
        return name.substring(0, keep) + hash + ext;
    }

    /** A short tag that tells apart names cut to the same prefix. */
    static String hashTag(String full) {
        return "-" + String.format(Locale.ROOT, "%08x", full.hashCode());
    }

    /** The dump format ({@code prof}, {@code json}, ...) a file name's extension names, or null. */
    static String dumpFormat(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String[] known : KNOWN_EXTENSIONS) {
            if (lower.endsWith(known[0])) {
                return known[1];
            }
        }
        return null;
    }

    static String extension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String[] known : KNOWN_EXTENSIONS) {
            String e = known[0];
            if (lower.endsWith(e) && name.length() > e.length()) {
                return name.substring(name.length() - e.length());
            }
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0 && name.length() - dot <= MAX_PLAIN_EXTENSION) {
            return name.substring(dot);
        }
        return "";
    }

    /** The unique suffix {@link #withUniqueSuffix} inserts: a dash and six hex digits, before the extension. */
    private static final java.util.regex.Pattern UNIQUE_SUFFIX = java.util.regex.Pattern.compile("-[0-9a-f]{6}$");

    /**
     * The name with {@code -suffix} before its extension, e.g. {@code GET.x.3ms.17.prof} becomes
     * {@code GET.x.3ms.17-1a2b3c.prof}: the name a profile gets when its own is taken already.
     */
    static String withUniqueSuffix(String name, String suffix) {
        String ext = extension(name);
        return name.substring(0, name.length() - ext.length()) + "-" + suffix + ext;
    }

    /** The name without a suffix added by {@link #withUniqueSuffix}, so retention recognises such files too. */
    static String withoutUniqueSuffix(String name) {
        String ext = extension(name);
        String stem = name.substring(0, name.length() - ext.length());
        return UNIQUE_SUFFIX.matcher(stem).replaceFirst("") + ext;
    }

    /** Appends s with each code point outside {@code [A-Za-z0-9._-]} replaced by one {@code _}. */
    private static void appendSafe(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            b.append(safe(cp) ? (char) cp : '_');
            i += Character.charCount(cp);
        }
    }

    /**
     * The file {@code dir/fileName}, checked to be a direct child of dir after normalisation.
     *
     * @throws IllegalArgumentException if the name is empty, {@code .}, {@code ..}, holds a
     *                                  separator, or would resolve anywhere but directly in dir
     */
    public static Path resolveInside(Path dir, String fileName) {
        if (fileName == null || fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")
                || fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0 || fileName.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a plain file name: " + (fileName == null ? null : PythonRepr.of(fileName)));
        }
        Path base = dir.toAbsolutePath().normalize();
        Path file;
        try {
            file = base.resolve(fileName).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid file name: " + PythonRepr.of(fileName), e);
        }
        if (!base.equals(file.getParent())) {
            throw new IllegalArgumentException("file name " + PythonRepr.of(fileName) + " leaves " + base);
        }
        return file;
    }
}
