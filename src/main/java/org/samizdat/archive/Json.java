package org.samizdat.archive;

import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader and writer over plain Java values.
 *
 * <p>Values are {@code Map<String,Object>} (insertion ordered), {@code List<Object>}, {@code String},
 * {@code Long} or {@code BigInteger}, {@code Boolean} and {@code null}. Reading is strict on purpose,
 * because metadata comes from untrusted mirrors: RFC 8259 only, UTF-8 only, no byte order mark,
 * no duplicate object keys, integers only (TUF canonical JSON has no floats), and a nesting limit.
 */
public final class Json {
    /** Deepest nesting accepted; real metadata needs about six levels. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** Parses UTF-8 bytes into a value, rejecting anything outside the strict subset. */
    public static Object parse(byte[] utf8) {
        if (utf8.length >= 3 && (utf8[0] & 0xff) == 0xef && (utf8[1] & 0xff) == 0xbb && (utf8[2] & 0xff) == 0xbf) {
            throw new JsonException("starts with a UTF-8 byte order mark, which JSON metadata must not have");
        }
        String text;
        if (ascii(utf8)) {
            // ASCII is valid UTF-8 that decodes byte for byte: the strict decoder is needed only past it
            return parse(new String(utf8, StandardCharsets.ISO_8859_1));
        }
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonException("is not valid UTF-8");
        }
        return parse(text);
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** Parses a string into a value. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    /** Parses and requires an object at the top. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] utf8) {
        Object v = parse(utf8);
        if (!(v instanceof Map)) {
            throw new JsonException("top-level JSON value is not an object");
        }
        return (Map<String, Object>) v;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + printable(c) + "'");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value();
            if (map.containsKey(key)) {
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, v);
            skipSpace();
            char c = next();
            if (c == '}') {
                depth--;
                return map;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            char c = next();
            if (c == ']') {
                depth--;
                return list;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(start, pos) : sb.append(text, start, pos).toString();
                if (sb != null) {
                    requirePairedSurrogates(s);
                }
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw error("raw control character in string");
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, start, pos);
                pos++;
                char e = next();
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(pos + i), 16);
                            // exactly four ASCII hex digits (Integer.parseInt would take a sign, and other scripts' digits)
                            if (digit < 0 || text.charAt(pos + i) > 'f') {
                                throw error("bad \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        sb.append((char) code);
                        pos += 4;
                    }
                    default -> throw error("bad escape '\\" + printable(e) + "'");
                }
                start = pos;
            } else {
                pos++;
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        // RFC 8259 digits are ASCII only (Character.isDigit would admit Arabic-Indic and other digits)
        if (pos >= text.length() || !isAsciiDigit(text.charAt(pos))) {
            throw error("bad number");
        }
        if (text.charAt(pos) == '0' && pos + 1 < text.length() && isAsciiDigit(text.charAt(pos + 1))) {
            throw error("number with a leading zero");
        }
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            throw error("non-integer number (canonical JSON allows integers only)");
        }
        String digits = text.substring(start, pos);
        if (digits.length() > 400) {
            throw error("number too long");
        }
        if (digits.length() <= 18) {
            return Long.parseLong(digits); // at most 18 ASCII digits (and a sign), checked above: always a long
        }
        BigInteger big = new BigInteger(digits);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    /**
     * A {@code \\u} escape may name half of a surrogate pair only as part of a whole pair: a lone
     * half has no UTF-8 form, so its canonical bytes would equal those of a different string ('?').
     */
    private void requirePairedSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error("unpaired surrogate \\u" + String.format("%04x", (int) c) + " in string");
            }
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("bad literal");
        }
        pos += word.length();
        return v;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private JsonException error(String what) {
        return new JsonException(what + " at character " + pos);
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : String.valueOf(c);
    }

    /**
     * Writes a value as compact JSON with sorted keys: the canonical form, except that control
     * characters are escaped so the file stays valid JSON. For strings without control characters
     * the two are byte-identical.
     */
    public static byte[] write(Object value) {
        StringBuilder sb = new StringBuilder();
        CanonicalJson.append(sb, value, true);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
