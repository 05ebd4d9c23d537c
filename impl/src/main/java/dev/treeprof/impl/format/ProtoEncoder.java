package dev.treeprof.impl.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A growable buffer that encodes the protocol buffer wire format, just the field kinds pprof's
 * {@code profile.proto} uses: varint integers, packed repeated integers, strings and embedded
 * messages. Embedded messages are encoded into a second encoder and copied in with their length.
 */
final class ProtoEncoder {

    static final int VARINT = 0;
    static final int LEN = 2;

    private byte[] buf = new byte[256];
    private int size;

    /** Empties the buffer for reuse. */
    void reset() {
        size = 0;
    }

    int size() {
        return size;
    }

    /** An integer field; zero is proto3's default and is left out. */
    void int64(int field, long v) {
        if (v != 0) {
            tag(field, VARINT);
            varint(v);
        }
    }

    /** A boolean field; false is left out. */
    void bool(int field, boolean v) {
        if (v) {
            tag(field, VARINT);
            varint(1);
        }
    }

    /** A string field, always written: the string table's first entry is the empty string. */
    void string(int field, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        tag(field, LEN);
        varint(b.length);
        raw(b, 0, b.length);
    }

    /** A packed repeated integer field; nothing for no values. */
    void packed(int field, long[] values, int count) {
        if (count == 0) {
            return;
        }
        int len = 0;
        for (int i = 0; i < count; i++) {
            len += varintSize(values[i]);
        }
        tag(field, LEN);
        varint(len);
        for (int i = 0; i < count; i++) {
            varint(values[i]);
        }
    }

    /** An embedded message field holding what {@code message} encoded. */
    void message(int field, ProtoEncoder message) {
        tag(field, LEN);
        varint(message.size);
        raw(message.buf, 0, message.size);
    }

    /** Writes what was encoded so far and empties the buffer. */
    void flushTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
        size = 0;
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Base-128 varint; negative numbers take ten bytes, as int64 fields encode them. */
    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }

    private void raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long want = Math.max((long) buf.length * 2, (long) size + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("protobuf message larger than 2 GB");
            }
            byte[] b = new byte[(int) want];
            System.arraycopy(buf, 0, b, 0, size);
            buf = b;
        }
    }
}
