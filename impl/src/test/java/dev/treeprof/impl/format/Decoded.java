package dev.treeprof.impl.format;

import dev.treeprof.impl.format.ProtoDecoder.LongList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A profile.proto message decoded field by field, for tests to look at what the writer wrote. */
final class Decoded {

    /** One sample: its location ids (leaf first), values and label (key, str) index pairs. */
    static final class Sample {
        long[] locations;
        long[] values;
        final List<long[]> labels = new ArrayList<>();

        Map<String, String> labels(List<String> strings) {
            Map<String, String> m = new LinkedHashMap<>();
            for (long[] l : labels) {
                m.put(strings.get((int) l[0]), strings.get((int) l[1]));
            }
            return m;
        }
    }

    final List<long[]> sampleTypes = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    final List<String> strings = new ArrayList<>();
    /** location id to its first line's function id. */
    final Map<Long, Long> locationFunction = new HashMap<>();
    /** function id to its name's string index. */
    final Map<Long, Long> functionName = new HashMap<>();
    final LongList comments = new LongList();
    long[] periodType = new long[2];
    long period;
    long defaultSampleType;
    long timeNanos;
    long durationNanos;

    static Decoded of(byte[] raw) throws BadDumpException {
        Decoded p = new Decoded();
        ProtoDecoder d = new ProtoDecoder(raw, 0, raw.length, "test", "");
        while (d.next()) {
            switch (d.field()) {
                case 1:
                    p.sampleTypes.add(pair(d.message()));
                    break;
                case 2: {
                    ProtoDecoder m = d.message();
                    Sample s = new Sample();
                    LongList locs = new LongList();
                    LongList vals = new LongList();
                    while (m.next()) {
                        if (m.field() == 1) {
                            m.repeated(locs);
                        } else if (m.field() == 2) {
                            m.repeated(vals);
                        } else if (m.field() == 3) {
                            s.labels.add(pair(m.message()));
                        } else {
                            m.skip();
                        }
                    }
                    s.locations = Arrays.copyOf(locs.values, locs.size);
                    s.values = Arrays.copyOf(vals.values, vals.size);
                    p.samples.add(s);
                    break;
                }
                case 4: {
                    ProtoDecoder m = d.message();
                    long id = 0;
                    long fn = 0;
                    while (m.next()) {
                        if (m.field() == 1) {
                            id = m.int64();
                        } else if (m.field() == 4) {
                            fn = pair(m.message())[0];
                        } else {
                            m.skip();
                        }
                    }
                    p.locationFunction.put(id, fn);
                    break;
                }
                case 5: {
                    long[] f = pair(d.message());
                    p.functionName.put(f[0], f[1]);
                    break;
                }
                case 6:
                    p.strings.add(d.string());
                    break;
                case 9:
                    p.timeNanos = d.int64();
                    break;
                case 10:
                    p.durationNanos = d.int64();
                    break;
                case 11:
                    p.periodType = pair(d.message());
                    break;
                case 12:
                    p.period = d.int64();
                    break;
                case 13:
                    d.repeated(p.comments);
                    break;
                case 14:
                    p.defaultSampleType = d.int64();
                    break;
                default:
                    d.skip();
            }
        }
        return p;
    }

    /** Fields 1 and 2 of a small message (ValueType, Label, Line, Function's id and name). */
    private static long[] pair(ProtoDecoder m) throws BadDumpException {
        long[] v = new long[2];
        while (m.next()) {
            if ((m.field() == 1 || m.field() == 2) && m.wireType() == ProtoDecoder.VARINT) {
                v[m.field() - 1] = m.int64();
            } else {
                m.skip();
            }
        }
        return v;
    }

    List<String> sampleTypes() {
        List<String> out = new ArrayList<>();
        for (long[] t : sampleTypes) {
            out.add(strings.get((int) t[0]) + "/" + strings.get((int) t[1]));
        }
        return out;
    }

    String periodType() {
        return strings.get((int) periodType[0]) + "/" + strings.get((int) periodType[1]);
    }

    String leafFunction(Sample s) {
        return strings.get(functionName.get(locationFunction.get(s.locations[0])).intValue());
    }

    List<String> comments() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < comments.size; i++) {
            out.add(strings.get((int) comments.values[i]));
        }
        return out;
    }
}
