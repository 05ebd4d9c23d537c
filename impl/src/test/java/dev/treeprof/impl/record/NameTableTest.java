package dev.treeprof.impl.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.treeprof.ScopeName;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameTableTest {

    @Test
    void aLiteralGetsTheSameSharedNameOnEveryCall() {
        NameTable table = new NameTable(100);
        ScopeName first = table.intern("orders.load");
        for (int i = 0; i < 1000; i++) {
            assertSame(first, table.intern("orders.load"));
        }
        assertEquals(ScopeName.of("orders.load"), first);
    }

    @Test
    void equalStringsOfOtherInstancesGetAnEqualName() {
        NameTable table = new NameTable(100);
        ScopeName literal = table.intern("orders.save");
        String built = new StringBuilder("orders.").append("save").toString();
        assertEquals(literal, table.intern(built));
        assertSame(literal, table.intern("orders.save"));
        assertEquals("orders.save", table.intern(built).function());
    }

    /** Far more names than the identity cache has slots, so slots are shared: never a wrong name. */
    @Test
    void everyStringGetsItsOwnNameHoweverManyShareACacheSlot() {
        NameTable table = new NameTable(100); // also far fewer than the names: the bounded table evicts
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            names.add("name-" + i);
        }
        for (int round = 0; round < 3; round++) {
            for (String n : names) {
                ScopeName interned = table.intern(n);
                assertEquals(n, interned.function());
                assertEquals(ScopeName.of(n), interned);
            }
        }
    }

    @Test
    void nullIsTheNullName() {
        assertSame(NameTable.NULL_NAME, new NameTable(10).intern(null));
    }
}
