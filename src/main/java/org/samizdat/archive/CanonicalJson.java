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
                // keys we write are ASCII, where every ordering agrees.
                List<String> keys = new ArrayList<>(map.size());
                for (Object k : map.keySet()) {
                    if (!(k instanceof String key)) {
                        throw new JsonException("object key is not a string: " + k);
                    }
                    keys.add(key);
                }
                keys.sort(null);
                sb.append('{');
                boolean first = true;
                for (String k : keys) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    appendString(sb, k, escapeControls);
                    sb.append(':');
                    append(sb, map.get(k), escapeControls);
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

    private static void appendString(StringBuilder sb, String s, boolean escapeControls) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
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
}
