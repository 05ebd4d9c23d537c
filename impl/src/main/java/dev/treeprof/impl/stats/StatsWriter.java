package dev.treeprof.impl.stats;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes a table in a file format. The file layer implements it and hands it to the tables it
 * makes ({@link StatsTable#withWriter}): the pstats model knows no file format, so the two
 * packages do not depend on each other in a circle.
 */
public interface StatsWriter {

    /** Tables made without a file layer: every write says so. */
    StatsWriter NONE = new StatsWriter() {
        @Override
        public void write(StatsTable stats, Path file) {
            throw new UnsupportedOperationException("cannot write " + file + ": these stats were made without a file layer");
        }

        @Override
        public void write(StatsTable stats, OutputStream out, String format) {
            throw new UnsupportedOperationException("cannot write a " + format
                    + " dump: these stats were made without a file layer");
        }
    };

    /** Writes the file in the format its extension names. */
    void write(StatsTable stats, Path file) throws IOException;

    /** Writes the named format to the stream, flushed, not closed. */
    void write(StatsTable stats, OutputStream out, String format) throws IOException;
}
