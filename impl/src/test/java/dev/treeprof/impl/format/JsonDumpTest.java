package dev.treeprof.impl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.treeprof.CallStats;
import dev.treeprof.ScopeName;
import dev.treeprof.StatsRow;
import dev.treeprof.impl.stats.StatsTable;
import dev.treeprof.ThreadTree;
import dev.treeprof.CallNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** treeprof's lossless JSON: round trips, and the errors of bad documents. */
class JsonDumpTest {

    static byte[] json(StatsTable t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Dumps.write(t, out, DumpFormat.JSON);
        return out.toByteArray();
    }

    static StatsTable parse(String json) throws IOException {
        return Dumps.parse(json.getBytes(StandardCharsets.UTF_8), "t.json");
    }

    /** Same threads, rows (exactly), start, duration; metadata a superset (facts are added). */
    static void assertSameStats(StatsTable expected, StatsTable actual) {
        assertEquals(expected.threads().size(), actual.threads().size());
        for (int i = 0; i < expected.threads().size(); i++) {
            ThreadTree a = expected.threads().get(i);
            ThreadTree b = actual.threads().get(i);
            assertEquals(a.threadName(), b.threadName());
            assertSameTree(a.root(), b.root());
        }
        assertSameRows(expected.sortStats().rows(), actual.sortStats().rows());
        assertEquals(expected.startMillis(), actual.startMillis());
        assertEquals(expected.durationNanos(), actual.durationNanos());
        expected.metadata().forEach((k, v) -> assertEquals(v, actual.metadata().get(k), k));
    }

    static void assertSameRows(List<StatsRow> expected, List<StatsRow> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            StatsRow a = expected.get(i);
            StatsRow b = actual.get(i);
            assertEquals(a.function(), b.function());
            assertEquals(a.totalCalls(), b.totalCalls(), a.label());
            assertEquals(a.primitiveCalls(), b.primitiveCalls(), a.label());
            assertEquals(a.tottime(), b.tottime(), a.label());
            assertEquals(a.cumtime(), b.cumtime(), a.label());
            assertEquals(a.callers(), b.callers(), a.label());
        }
    }

    /** CallNode.equals recurses; this walks iteratively so deep trees can be compared. */
    static void assertSameTree(CallNode a, CallNode b) {
        Deque<CallNode[]> stack = new ArrayDeque<>();
        stack.push(new CallNode[] {a, b});
        while (!stack.isEmpty()) {
            CallNode[] p = stack.pop();
            assertEquals(p[0].name(), p[1].name());
            assertEquals(p[0].calls(), p[1].calls(), p[0].name().label());
            assertEquals(p[0].totalNanos(), p[1].totalNanos(), p[0].name().label());
            assertEquals(p[0].ownNanos(), p[1].ownNanos(), p[0].name().label());
            assertEquals(p[0].children().size(), p[1].children().size(), p[0].name().label());
            for (int i = 0; i < p[0].children().size(); i++) {
                stack.push(new CallNode[] {p[0].children().get(i), p[1].children().get(i)});
            }
        }
    }

    @Test
    void roundTripOfARecordingIsLossless() throws Exception {
        StatsTable t = Recordings.shop();
        assertEquals(2, t.threads().size());
        StatsTable back = Dumps.parse(json(t), "shop.json");
        assertSameStats(t, back);
        assertEquals(t.threads(), back.threads());
        assertEquals("GET", back.metadata().get("method"));
        assertNotNull(back.metadata().get("jvm.version"), "the JVM facts are stored");
        assertNotNull(back.metadata().get("host.cpus"), "the host facts are stored");
        assertEquals(t.sortStats("cumulative").formatStats(), back.sortStats("cumulative").formatStats());
        assertEquals(t.sortStats("cumulative").formatCallers(), back.sortStats("cumulative").formatCallers());
        // loading and writing again keeps the recording JVM's facts and changes nothing
        byte[] again = json(back);
        assertEquals(new String(json(back), StandardCharsets.UTF_8), new String(again, StandardCharsets.UTF_8));
        StatsTable twice = Dumps.parse(again, "again.json");
        assertSameStats(back, twice);
        assertEquals(back.metadata(), twice.metadata());
    }

    @Test
    void documentHasTheDocumentedShape() throws Exception {
        String text = new String(json(Recordings.shop()), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"format\":\"treeprof\",\"version\":1,"), text);
        for (String field : new String[] {"\"startMillis\":", "\"durationNanos\":", "\"jvm\":{", "\"host\":{",
                "\"metadata\":{", "\"method\":\"GET\"", "\"functions\":[[", "\"threads\":[{\"name\":",
                "\"nodes\":[[-1,", "\"rows\":[]"}) {
            assertTrue(text.contains(field), field + " in " + text);
        }
    }

    @Test
    void rowsWithoutTreesRoundTrip() throws IOException {
        StatsTable flat = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "fixture.prof");
        StatsTable back = Dumps.parse(json(flat), "flat.json");
        assertTrue(back.threads().isEmpty());
        assertSameRows(flat.sortStats().rows(), back.sortStats().rows());
        assertEquals(flat.sortStats("cumulative").formatCallees(), back.sortStats("cumulative").formatCallees());
        String text = new String(json(flat), StandardCharsets.UTF_8);
        assertFalse(text.contains("\"jvm\":{\""), "no facts invented for rows that were not recorded here");
    }

    @Test
    void mergedTreesAndRowsKeepBoth() throws Exception {
        StatsTable trees = Recordings.shop();
        StatsTable flat = Dumps.parse(ProfFormatTest.resource("cprofile-fixture.prof"), "fixture.prof");
        // a function present in both: the .prof's rows add to the recorded ones
        StatsTable extra = StatsTable.fromRows(List.of(new StatsRow(Recordings.WORK, 5, 5, 0.5, 0.5,
                Map.of(Recordings.DB, new CallStats(5, 5, 0.5, 0.5)), Map.of())), List.of());
        StatsTable mixed = (StatsTable) trees.add(flat, extra);
        StatsTable back = Dumps.parse(json(mixed), "mixed.json");
        assertEquals(trees.threads(), back.threads(), "the trees survive");
        Map<ScopeName, StatsRow> byName = new HashMap<>();
        back.rows().forEach(r -> byName.put(r.function(), r));
        assertEquals(mixed.rows().size(), back.rows().size());
        for (StatsRow r : mixed.rows()) {
            StatsRow b = byName.get(r.function());
            assertEquals(r.totalCalls(), b.totalCalls());
            assertEquals(r.primitiveCalls(), b.primitiveCalls());
            assertEquals(r.tottime(), b.tottime(), 1e-12);
            assertEquals(r.cumtime(), b.cumtime(), 1e-12);
            assertEquals(r.callers().keySet(), b.callers().keySet());
        }
        assertEquals(mixed.sortStats("cumulative", "name").formatStats(),
                back.sortStats("cumulative", "name").formatStats());
    }

    @Test
    void mergedRecordingsNeedNoExtraRows() throws Exception {
        StatsTable a = Recordings.shop();
        StatsTable b = Recordings.shop();
        StatsTable both = (StatsTable) a.add(b);
        String text = new String(json(both), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"rows\":[]"), "float noise of summing in another order is not an extra row");
        StatsTable back = Dumps.parse(text.getBytes(StandardCharsets.UTF_8), "both.json");
        assertEquals(4, back.threads().size());
        assertEquals(both.sortStats("tottime").formatStats(), back.sortStats("tottime").formatStats());
    }

    @Test
    void aVeryDeepTreeRoundTrips() throws IOException {
        StatsTable deep = Recordings.deepChain(50_000);
        StatsTable back = Dumps.parse(json(deep), "deep.json");
        assertSameTree(deep.threads().get(0).root(), back.threads().get(0).root());
        assertEquals(deep.totalCalls(), back.totalCalls());
    }

    @Test
    void emptyStatsRoundTrip() throws IOException {
        StatsTable back = Dumps.parse(json(StatsTable.empty()), "e.json");
        assertTrue(back.rows().isEmpty());
        assertTrue(back.threads().isEmpty());
    }

    @Test
    void fieldOrderDoesNotMatterAndUnknownFieldsAreSkipped() throws IOException {
        StatsTable t = parse("{\"threads\":[{\"nodes\":[[-1,1,0,0,0],[0,0,2,30,10],[1,0,1,20,20]],\"x\":[1,{}],"
                + "\"name\":\"main\"}],\"future\":{\"a\":[1,2]},\"functions\":[[\"~\",0,\"f\"],[\"~\",0,\"<root>\"]],"
                + "\"version\":1,\"format\":\"treeprof\",\"metadata\":{\"k\":\"v\"}}");
        StatsRow f = t.row("f");
        assertEquals(3, f.totalCalls());
        assertEquals(2, f.primitiveCalls());
        assertEquals(3e-8, f.cumtime(), 1e-18);
        assertEquals(Map.of("k", "v"), t.metadata());
    }

    @Test
    void wrongFormatOrVersionIsRefused() {
        assertError("{\"format\":\"other\",\"version\":1}", "at /format", "format \"other\" is not \"treeprof\"");
        assertError("{\"format\":\"treeprof\",\"version\":2}", "at /version", "version 2 is newer than this reader");
        assertError("{\"format\":\"treeprof\"}", "", "no \"version\" field");
        assertError("{\"version\":1}", "", "no \"format\" field");
        assertError("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"profiles\":[]}", "",
                "a speedscope file");
        assertError("{\"traceEvents\":[]}", "", "a Chrome trace file");
        assertError("[{\"ph\":\"X\"}]", "", "a JSON array");
    }

    @Test
    void wrongTypesNameTheJsonPath() {
        String head = "{\"format\":\"treeprof\",\"version\":1,";
        assertError(head + "\"functions\":[[\"a\",\"1\",\"b\"]]}", "at /functions/0/1", "expected an integer, found a string");
        assertError(head + "\"functions\":[[\"a\",1,\"b\",4]]}", "at /functions/0", "too many items");
        assertError(head + "\"functions\":[[\"~\",0,\"r\"]],\"threads\":[{\"name\":\"m\",\"nodes\":[[-1,0,0,0,0],"
                + "[5,0,1,1,1]]}]}", "at /threads/0/nodes/1", "parent 5 is not an earlier node");
        assertError(head + "\"functions\":[[\"~\",0,\"r\"]],\"threads\":[{\"name\":\"m\",\"nodes\":[[-1,3,0,0,0]]}]}",
                "at /threads/0/nodes/0/1", "function index 3 is out of range (1 functions)");
        assertError(head + "\"functions\":[[\"~\",0,\"r\"]],\"threads\":[{\"name\":\"m\",\"nodes\":[[-1,0,-4,0,0]]}]}",
                "at /threads/0/nodes/0", "negative call count -4");
        assertError(head + "\"threads\":[{\"nodes\":[]}]}", "at /threads/0", "a thread needs a \"name\"");
        assertError(head + "\"rows\":[{\"function\":0,\"calls\":1,\"primitiveCalls\":1,\"tottime\":\"x\"}]}",
                "at /rows/0/tottime", "expected a number, found a string");
        assertError(head + "\"rows\":[{\"function\":0,\"calls\":1,\"primitiveCalls\":1,\"tottime\":1e999,"
                + "\"cumtime\":0}]}", "at /rows/0/tottime", "number out of range");
        assertError(head + "\"rows\":[{\"function\":0,\"calls\":1}]}", "at /rows/0", "a row needs \"primitiveCalls\"");
        assertError(head + "\"metadata\":{\"a\":1}}", "at /metadata/a", "expected a string, found an integer");
        assertError(head + "\"startMillis\":123456789012345678901234567890}", "at /startMillis", "out of range");
        assertError(head + "\"metadata\":{\"a\":\"1\",\"a\":\"2\"}}", "at /metadata", "Duplicate field 'a'");
    }

    @Test
    void brokenJsonIsAClearError() {
        assertError("{\"format\":\"treeprof\",\"version\":1", "", "end-of-input");
        assertError("{\"format\":\"treeprof\" \"version\":1}", "line 1, column", "Unexpected character");
        assertError("{\"format\":\"treeprof\",\"version\":1} trailing", "", "Unrecognized token 'trailing'");
        assertError("{\"format\":\"treeprof\",\"version\":1} {}", "", "unexpected content after the top-level object");
        assertError("   ", "", "only white space");
    }

    @Test
    void deepNestingIsRefusedInBoundedMemory() {
        String deep = "{\"x\":" + "[".repeat(200_000);
        assertError(deep, "at /x", "nesting depth");
        String objects = "{\"a\":".repeat(100_000);
        assertError(objects, "", "nesting depth");
    }

    static void assertError(String json, String where, String problem) {
        BadDumpException e = assertThrows(BadDumpException.class, () -> parse(json), json.length() > 200
                ? json.substring(0, 200) : json);
        assertTrue(e.getMessage().startsWith("t.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(where), "'" + where + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "'" + problem + "' in: " + e.getMessage());
        assertEquals("t.json", e.file());
    }
}
