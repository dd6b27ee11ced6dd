package org.samizdat.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Bencoding (BEP 3), canonical byte for byte: dictionary keys in raw-byte order, each once;
 * integers without leading zeros or {@code -0}. Clients recompute a torrent's infohash by
 * re-encoding its info dictionary (aria2 does), so only canonical bytes give every client the
 * same infohash; and the decoder refuses anything that is not canonical (BEP 52: reject invalid
 * metainfo rather than hash a re-encoding of it), so that decoding and encoding again gives back
 * the bytes read, exactly.
 *
 * <p>Values are {@link Long} (integers), {@code byte[]} (strings), {@link List} (lists) and
 * {@link SortedMap} of {@link String} to value (dictionaries). A dictionary key is held as the
 * ISO-8859-1 string of its bytes, one char per byte, so that every byte string is a key and
 * {@code String} order is raw-byte order.
 */
public final class Bencode {
    /** Lists and dictionaries nest at most this deep. */
    public static final int MAX_DEPTH = 64;
    /** A string is at most this long (a torrent's piece hashes are the longest string it has). */
    public static final int MAX_STRING = 64 << 20;

    private Bencode() {
    }

    /** The canonical encoding of a value tree; fails on any other type. */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out, 0);
        return out.toByteArray();
    }

    /**
     * A value already encoded, written as it is: how a torrent file embeds the info dictionary it
     * hashed without encoding it twice. The decoder never gives one.
     */
    public record Raw(byte[] bytes) {
    }

    /** A dictionary key from text (keys this project writes are ASCII). */
    public static String key(String utf8) {
        return new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** A byte string from text, UTF-8. */
    public static byte[] string(String utf8) {
        return utf8.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Object value, ByteArrayOutputStream out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("bencode: nested deeper than " + MAX_DEPTH);
        }
        switch (value) {
            case Long n when n == Long.MIN_VALUE -> throw new IllegalArgumentException("bencode: "
                    + n + " is outside what the decoder reads back");
            case Long n -> ascii(out, "i" + n + "e");
            case Integer n -> ascii(out, "i" + n + "e");
            case byte[] b -> {
                ascii(out, b.length + ":");
                out.writeBytes(b);
            }
            case String s -> throw new IllegalArgumentException("bencode: give strings as byte[] (\"" + s
                    + "\"), so that their encoding is explicit");
            case List<?> list -> {
                out.write('l');
                for (Object o : list) {
                    write(o, out, depth + 1);
                }
                out.write('e');
            }
            case Raw raw -> out.writeBytes(raw.bytes());
            case Map<?, ?> map -> {
                // keys in raw-byte order: a TreeMap of ISO-8859-1 strings sorts exactly so (and one
                // in natural order already, as torrents build theirs, is not sorted again)
                for (Object k : map.keySet()) {
                    if (!(k instanceof String key) || !latin1(key)) {
                        throw new IllegalArgumentException("bencode: a dictionary key must be a String of bytes (ISO-8859-1)");
                    }
                }
                Map<?, ?> sorted = map instanceof SortedMap<?, ?> s && s.comparator() == null ? map : new TreeMap<>(map);
                out.write('d');
                for (Map.Entry<?, ?> e : sorted.entrySet()) {
                    byte[] k = ((String) e.getKey()).getBytes(StandardCharsets.ISO_8859_1);
                    ascii(out, k.length + ":");
                    out.writeBytes(k);
                    write(e.getValue(), out, depth + 1);
                }
                out.write('e');
            }
            case null -> throw new IllegalArgumentException("bencode: null has no encoding");
            default -> throw new IllegalArgumentException("bencode: cannot encode a " + value.getClass().getSimpleName());
        }
    }

    private static boolean latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Decodes exactly one canonical value filling all of {@code bytes}; anything else is refused with where and why. */
    public static Object decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        Object v = r.value(0);
        if (r.pos != bytes.length) {
            throw r.fail("trailing bytes after the value");
        }
        return v;
    }

    /** A cursor over the input; every rule it refuses is named in its message. */
    private static final class Reader {
        private final byte[] in;
        private int pos;

        Reader(byte[] in) {
            this.in = in;
        }

        IllegalArgumentException fail(String why) {
            return new IllegalArgumentException("bencode at byte " + pos + ": " + why);
        }

        private int peek() {
            if (pos >= in.length) {
                throw fail("ends too early");
            }
            return in[pos] & 0xff;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("nested deeper than " + MAX_DEPTH);
            }
            int c = peek();
            if (c == 'i') {
                pos++;
                long n = number('e', true);
                return n;
            }
            if (c == 'l') {
                pos++;
                List<Object> list = new ArrayList<>();
                while (peek() != 'e') {
                    list.add(value(depth + 1));
                }
                pos++;
                return Collections.unmodifiableList(list);
            }
            if (c == 'd') {
                pos++;
                TreeMap<String, Object> map = new TreeMap<>();
                String last = null;
                while (peek() != 'e') {
                    if (peek() < '0' || peek() > '9') {
                        throw fail("a dictionary key must be a string");
                    }
                    String k = new String(bytes(), StandardCharsets.ISO_8859_1);
                    // canonical: keys strictly ascending in raw-byte order, so none repeats
                    if (last != null && k.compareTo(last) <= 0) {
                        throw fail(k.equals(last) ? "a repeated dictionary key" : "dictionary keys out of order");
                    }
                    last = k;
                    map.put(k, value(depth + 1));
                }
                pos++;
                return Collections.unmodifiableSortedMap(map);
            }
            if (c >= '0' && c <= '9') {
                return bytes();
            }
            throw fail("no value starts with byte " + c);
        }

        private byte[] bytes() {
            long n = number(':', false);
            if (n > MAX_STRING || n > in.length - pos) {
                throw fail("a string of " + n + " bytes runs past the end");
            }
            byte[] b = new byte[(int) n];
            System.arraycopy(in, pos, b, 0, b.length);
            pos += b.length;
            return b;
        }

        /** Digits up to {@code end}: no leading zero, no "-0", no empty number, within a long. */
        private long number(char end, boolean signed) {
            int start = pos;
            boolean negative = false;
            if (signed && peek() == '-') {
                negative = true;
                pos++;
            }
            int digits = pos;
            long n = 0;
            while (peek() != end) {
                int d = peek() - '0';
                if (d < 0 || d > 9) {
                    throw fail("not a digit in a number");
                }
                if (n > (Long.MAX_VALUE - d) / 10) {
                    throw fail("a number too large");
                }
                n = n * 10 + d;
                pos++;
            }
            int length = pos - digits;
            if (length == 0) {
                throw fail("an empty number");
            }
            if (length > 1 && in[digits] == '0') {
                throw fail("a number with a leading zero");
            }
            if (negative && n == 0) {
                throw fail("-0 is not canonical");
            }
            pos++;
            if (pos - start > 21) {
                throw fail("a number too long");
            }
            return negative ? -n : n;
        }
    }
}
