package dev.treeprof.impl.format;

import java.io.IOException;

/**
 * A profile file that cannot be loaded: empty, truncated, corrupt, of an unknown format or version,
 * or hostile. The message names the file, where the problem is (a byte offset for {@code .prof}
 * files, a JSON pointer and line/column for JSON) and what is wrong.
 */
public final class BadDumpException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;

    BadDumpException(String file, String where, String problem) {
        super(file + ": " + (where == null || where.isEmpty() ? "" : where + ": ") + problem);
        this.file = file;
    }

    BadDumpException(String file, String where, String problem, Throwable cause) {
        this(file, where, problem);
        initCause(cause);
    }

    /** The file as it was named to the loader. */
    public String file() {
        return file;
    }
}
