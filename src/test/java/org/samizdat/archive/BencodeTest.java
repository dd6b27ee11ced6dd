package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BencodeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesTheExamplesOfBep3() {
        assertArrayEquals(b("4:spam"), Bencode.encode(Bencode.string("spam")));
        assertArrayEquals(b("i3e"), Bencode.encode(3L));
        assertArrayEquals(b("i-3e"), Bencode.encode(-3L));
        assertArrayEquals(b("i0e"), Bencode.encode(0L));
        assertArrayEquals(b("l4:spam4:eggse"), Bencode.encode(List.of(Bencode.string("spam"), Bencode.string("eggs"))));
        assertArrayEquals(b("d3:cow3:moo4:spam4:eggse"),
                Bencode.encode(Map.of("spam", Bencode.string("eggs"), "cow", Bencode.string("moo"))));
        assertArrayEquals(b("0:"), Bencode.encode(new byte[0]));
    }

    @Test
    void sortsKeysByRawBytesNotByUtf16() {
        // U+FF61 is EF BD A1 in UTF-8 and U+10000 is F0 90 80 80: by bytes EF < F0, by UTF-16 D800 < FF61
        String halfwidth = Bencode.key("\uff61");
        String astral = Bencode.key(new String(Character.toChars(0x10000)));
        byte[] out = Bencode.encode(Map.of(astral, 1L, halfwidth, 2L, "Z", 3L, "a", 4L));
        assertArrayEquals(b("d1:Zi3e1:ai4e3:\u00ef\u00bd\u00a1i2e4:\u00f0\u0090\u0080\u0080i1ee"), out);
    }

    @Test
    void aMapAlreadySortedIsWrittenAsAnyOtherAndRawBytesAsTheyAre() {
        Map<String, Object> unsorted = new java.util.LinkedHashMap<>();
        unsorted.put("zz", 1L);
        unsorted.put("a", Bencode.string("x"));
        unsorted.put("\u00e9", List.of(2L));
        byte[] expected = "d1:a1:x2:zzi1e1:\u00e9li2eee".getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(expected, Bencode.encode(unsorted));
        assertArrayEquals(expected, Bencode.encode(new java.util.TreeMap<>(unsorted)));
        Map<String, Object> reversed = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        reversed.putAll(unsorted);
        assertArrayEquals(expected, Bencode.encode(reversed));
        assertArrayEquals("l1:x4:done3:rawe".getBytes(StandardCharsets.ISO_8859_1),
                Bencode.encode(List.of(Bencode.string("x"), new Bencode.Raw("4:done".getBytes(StandardCharsets.ISO_8859_1)),
                        Bencode.string("raw"))));
    }

    @Test
    void decodingThenEncodingGivesBackTheBytesRead() {
        String s = "d4:infod5:filesld6:lengthi5e4:pathl1:a1:beee4:name5:r000112:piece lengthi32768e6:pieces0:e3:keyli-1ei0eee";
        assertArrayEquals(b(s), Bencode.encode(Bencode.decode(b(s))));
    }

    @Test
    void refusesEveryNonCanonicalOrBrokenForm() {
        for (String bad : List.of("i03e", "i-0e", "ie", "i-e", "i1", "03:abc", "4:abc", "d1:bi1e1:ai2ee", "d1:ai1e1:ai2ee",
                "di1ei2ee", "l", "d", "x", "i1ei2e", "i99999999999999999999e", "-1:a", "i+1e", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bencode.decode(b(bad)), bad);
            assertTrue(e.getMessage().startsWith("bencode at byte "), e.getMessage());
        }
    }

    @Test
    void refusesNestingDeeperThanItsBound() {
        String deep = "l".repeat(Bencode.MAX_DEPTH + 2) + "e".repeat(Bencode.MAX_DEPTH + 2);
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(b(deep)));
        String fine = "l".repeat(Bencode.MAX_DEPTH) + "e".repeat(Bencode.MAX_DEPTH);
        assertEquals(List.of(), unwrap(Bencode.decode(b(fine)), Bencode.MAX_DEPTH - 1));
    }

    private static Object unwrap(Object o, int times) {
        for (int i = 0; i < times; i++) {
            o = ((List<?>) o).get(0);
        }
        return o;
    }

    @Test
    void refusesValuesItCannotWriteCanonically() {
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode("text"));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(Map.of(1L, 2L)));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(Long.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Bencode.encode(1.5));
    }
}
