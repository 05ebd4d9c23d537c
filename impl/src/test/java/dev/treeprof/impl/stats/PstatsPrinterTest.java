package dev.treeprof.impl.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.treeprof.ScopeName;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The printer writes labels and measures them without making them: the same text as ScopeName.label(). */
class PstatsPrinterTest {

    private static final List<ScopeName> NAMES = List.of(ScopeName.of("db.query"), ScopeName.of("<module>"),
            ScopeName.of("<"), ScopeName.of("<>"), ScopeName.of("<a"), ScopeName.of(""), ScopeName.of("~", 7, "f"),
            ScopeName.of("a/b.java", 0, "g"), ScopeName.of("x.py", -12, "h"),
            ScopeName.of("x.py", Integer.MIN_VALUE, "h"), ScopeName.of("x.py", Integer.MAX_VALUE, "<h>"),
            ScopeName.of("x.py", 10, "h"), ScopeName.of("x.py", 9, "h"), ScopeName.of("café.py", 99, "naïve"));

    @Test
    void labelsAreAppendedAndMeasuredAsLabelMakesThem() {
        for (ScopeName n : NAMES) {
            StringBuilder b = new StringBuilder("|");
            PstatsPrinter.appendLabel(b, n);
            assertEquals("|" + n.label(), b.toString());
            assertEquals(n.label().length(), PstatsPrinter.labelLength(n), n.label());
        }
    }
}
