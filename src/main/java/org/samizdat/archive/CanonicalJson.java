package org.samizdat.archive;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OLPC canonical JSON that TUF signs (securesystemslib's {@code encode_canonical}, which tuf-js
 * matches): object keys sorted, no whitespace, integers only, and only {@code "} and {@code \}
 * escaped; every other character, control characters included, is written raw as UTF-8.
 */
public final class CanonicalJson {
    private CanonicalJson() {
    }

    /** The canonical UTF-8 bytes of a value. */
    public static byte[] encode(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, false);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void append(StringBuilder sb, Object value, boolean escapeControls) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> appendString(sb, s, escapeControls);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Long l -> sb.append(l.longValue());
            case Integer i -> sb.append(i.intValue());
            case BigInteger b -> sb.append(b);
            case Map<?, ?> map -> {
                // Canonical JSON: keys in sorted order. String.compareTo is UTF-16 order, as in tuf-js;
                // keys we write are ASCII, where every ordering agrees. A map sorted by that order
                // already (a TreeMap of strings, as targets are kept) is written as it iterates.
                sb.append('{');
                boolean first = true;
                if (map instanceof java.util.SortedMap<?, ?> sorted && sorted.comparator() == null) {
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        if (!first) {
                            sb.append(',');
                        }
                        first = false;
                        appendString(sb, key(e.getKey()), escapeControls);
                        sb.append(':');
                        append(sb, e.getValue(), escapeControls);
                    }
                } else {
                    List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
                    for (Map.Entry<?, ?> e : entries) {
                        key(e.getKey());
                    }
                    entries.sort((a, b) -> ((String) a.getKey()).compareTo((String) b.getKey()));
                    for (Map.Entry<?, ?> e : entries) {
                        if (!first) {
                            sb.append(',');
                        }
                        first = false;
                        appendString(sb, (String) e.getKey(), escapeControls);
                        sb.append(':');
                        append(sb, e.getValue(), escapeControls);
                    }
                }
                sb.append('}');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    append(sb, list.get(i), escapeControls);
                }
                sb.append(']');
            }
            // Canonical JSON: floats are not allowed at all.
            default -> throw new JsonException("cannot encode " + value.getClass().getSimpleName()
                    + " in canonical JSON (integers, strings, booleans, null, objects and arrays only)");
        }
    }

    private static String key(Object k) {
        if (!(k instanceof String key)) {
            throw new JsonException("object key is not a string: " + k);
        }
        return key;
    }

    private static void appendString(StringBuilder sb, String s, boolean escapeControls) {
        sb.append('"');
        int plain = 0;
        while (plain < s.length() && !needsEscape(s.charAt(plain), escapeControls)) {
            plain++;
        }
        sb.append(s, 0, plain); // most strings have nothing to escape: one copy
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (escapeControls && c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    private static boolean needsEscape(char c, boolean escapeControls) {
        return c == '"' || c == '\\' || escapeControls && c < 0x20;
    }
}
