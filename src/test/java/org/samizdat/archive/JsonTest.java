package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static JsonException rejects(String text) {
        return assertThrows(JsonException.class, () -> Json.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parsesObjectsArraysAndScalars() {
        Object v = Json.parse("{\"a\":[1,-2,true,false,null,\"x\\u00e9\\n\"],\"b\":{}}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, -2L, true, false, null, "xé\n"), "b", Map.of()), v);
    }

    @Test
    void keepsIntegersBeyondSixtyFourBits() {
        assertEquals(new BigInteger("123456789012345678901234567890"), Json.parse("123456789012345678901234567890"));
    }

    @Test
    void integersOnEitherSideOfTheLongFastPathParseAlike() {
        assertEquals(999_999_999_999_999_999L, Json.parse("999999999999999999"));
        assertEquals(-99_999_999_999_999_999L, Json.parse("-99999999999999999"));
        assertEquals(Long.MAX_VALUE, Json.parse(String.valueOf(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE, Json.parse(String.valueOf(Long.MIN_VALUE)));
        assertEquals(new BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(0L, Json.parse("-0"));
        assertThrows(JsonException.class, () -> Json.parse("01"));
    }

    @Test
    void asciiAndOtherUtf8InputParseToTheSameStrings() {
        assertEquals(Map.of("k", "plain"), Json.parse("{\"k\":\"plain\"}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Map.of("k", "caf\u00e9 \u20ac"), Json.parse("{\"k\":\"caf\u00e9 \u20ac\"}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(JsonException.class, () -> Json.parse(new byte[] {'"', (byte) 0xc3, '"'}));
        assertThrows(JsonException.class, () -> Json.parse(new byte[] {'"', 0x01, '"'}));
    }

    @Test
    void rejectsAByteOrderMark() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        assertTrue(assertThrows(JsonException.class, () -> Json.parse(bom)).getMessage().contains("byte order mark"));
    }

    @Test
    void rejectsDuplicateKeys() {
        assertTrue(rejects("{\"a\":1,\"a\":2}").getMessage().contains("duplicate key"));
    }

    @Test
    void rejectsNonAsciiDigitsAsABadNumber() {
        // found by JsonFuzzTest: "-" followed by an Arabic-Indic digit crashed with NumberFormatException
        assertTrue(rejects("-\u06f0").getMessage().contains("bad number"));
        assertTrue(rejects("[\u0661]").getMessage().contains("unexpected"), "a non-ASCII digit starts no value");
    }

    @Test
    void rejectsLoneSurrogatesAndSignedUnicodeEscapes() {
        // found by JsonFuzzTest: "\ud956" has no UTF-8 form, so it would sign the same bytes as "?"
        assertTrue(rejects("\"a\\ud956b\"").getMessage().contains("unpaired surrogate"));
        assertTrue(rejects("\"\\udc00\"").getMessage().contains("unpaired surrogate"));
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\""), "a whole pair is one character");
        assertTrue(rejects("\"\\u+fff\"").getMessage().contains("bad \\u escape"));
    }

    @Test
    void rejectsFloatsBecauseCanonicalJsonHasNone() {
        rejects("{\"a\":1.0}");
        rejects("[1e3]");
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "01", "{} x", "\"\u0001\"",
                "\"\\x\"", "[\"\\u12\"]", "-", "{1:2}")) {
            rejects(bad);
        }
    }

    @Test
    void rejectsInvalidUtf8() {
        assertThrows(JsonException.class, () -> Json.parse(new byte[] {'"', (byte) 0xc3, '"'}));
    }

    @Test
    void boundsNestingDepth() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertTrue(rejects(deep).getMessage().contains("nested deeper"));
        assertEquals(1, ((List<?>) Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).size());
    }
}
