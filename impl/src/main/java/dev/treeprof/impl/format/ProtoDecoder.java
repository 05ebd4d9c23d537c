package dev.treeprof.impl.format;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads the protocol buffer wire format from a byte array, one field at a time, for pprof's
 * {@code profile.proto}. Every malformed input (a truncated varint or length, a field running past
 * its message, a group or unknown wire type, a string that is not UTF-8) raises a
 * {@link BadDumpException} naming the byte offset; unknown fields are skipped, as protobuf wants.
 */
final class ProtoDecoder {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int I32 = 5;

    private final byte[] data;
    private final String file;
    private final String what;
    private int pos;
    private final int limit;
    private int field;
    private int wireType;
    private int fieldStart;

    /**
     * @param what how offsets are described in errors, e.g. "of the decompressed profile"
     */
    ProtoDecoder(byte[] data, int from, int to, String file, String what) {
        this.data = data;
        this.pos = from;
        this.limit = to;
        this.file = file;
        this.what = what;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() throws BadDumpException {
        if (pos >= limit) {
            return false;
        }
        fieldStart = pos;
        long tag = varint();
        if (tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
            throw fail(fieldStart, "bad field tag " + tag + " (field number 0 or too large): not a protobuf message");
        }
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    /** The current field as an integer (int64, uint64 or bool). */
    long int64() throws BadDumpException {
        expect(VARINT);
        return varint();
    }

    /** The current field as a string. */
    String string() throws BadDumpException {
        expect(LEN);
        int len = length();
        int at = pos;
        pos += len;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, at, len)).toString();
        } catch (CharacterCodingException e) {
            throw fail(at, "string of field " + field + " is not valid UTF-8");
        }
    }

    /** The current field as an embedded message. */
    ProtoDecoder message() throws BadDumpException {
        expect(LEN);
        int len = length();
        ProtoDecoder m = new ProtoDecoder(data, pos, pos + len, file, what);
        pos += len;
        return m;
    }

    /**
     * The current field as repeated integers, packed (one length-delimited run) or not (one value
     * per field, as older encoders write them): appended to {@code out}.
     */
    void repeated(LongList out) throws BadDumpException {
        if (wireType == VARINT) {
            out.add(varint());
            return;
        }
        expect(LEN);
        int len = length();
        int end = pos + len;
        ProtoDecoder run = new ProtoDecoder(data, pos, end, file, what);
        while (run.pos < end) {
            out.add(run.varint());
        }
        pos = end;
    }

    /** Skips the current field, whatever its wire type. */
    void skip() throws BadDumpException {
        switch (wireType) {
            case VARINT:
                varint();
                break;
            case I64:
                advance(8);
                break;
            case LEN: {
                // not "pos += length()": that would add to pos as it was before the length
                int len = length();
                pos += len;
                break;
            }
            case I32:
                advance(4);
                break;
            default:
                throw fail(fieldStart, "field " + field + " has wire type " + wireType
                        + (wireType == 3 || wireType == 4 ? " (a group, which profile.proto never uses)" : " (no such wire type)")
                        + ": not a pprof profile, or a corrupt one");
        }
    }

    /** Where the current field starts, for error messages. */
    int fieldStart() {
        return fieldStart;
    }

    BadDumpException fail(int offset, String problem) {
        return new BadDumpException(file, "byte offset " + offset + (what.isEmpty() ? "" : " " + what), problem);
    }

    private void expect(int wanted) throws BadDumpException {
        if (wireType != wanted) {
            throw fail(fieldStart, "field " + field + " has wire type " + wireType + " where profile.proto has "
                    + (wanted == VARINT ? "an integer (wire type 0)" : "a length-delimited value (wire type 2)"));
        }
    }

    private void advance(int n) throws BadDumpException {
        if (limit - pos < n) {
            throw fail(fieldStart, "field " + field + " runs past the end of its message (truncated?)");
        }
        pos += n;
    }

    private int length() throws BadDumpException {
        int at = pos;
        long len = varint();
        if (len < 0 || len > limit - pos) {
            throw fail(at, "length " + len + " of field " + field + " runs past the end of its message ("
                    + (limit - pos) + " bytes left; truncated?)");
        }
        return (int) len;
    }

    private long varint() throws BadDumpException {
        int at = pos;
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw fail(at, "varint runs past the end of its message (truncated?)");
            }
            byte b = data[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw fail(at, "varint longer than 10 bytes");
    }

    /** A growable list of primitive longs. */
    static final class LongList {
        long[] values = new long[8];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void clear() {
            size = 0;
        }
    }
}
