package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    @Test
    void theSecondVectorOfTheResearchNotesCanonicalisesByteForByte() {
        // docs/FORMAT.md section 3: only " and \ are escaped; LF and TAB stay raw; keys sorted.
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", "line\nbreak\ttab");
        m.put("a", "quote\" back\\slash café");
        m.put("n", new ArrayList<>(List.of(3L, -1L, 0L)));
        m.put("t", true);
        m.put("z", null);
        byte[] canonical = CanonicalJson.encode(m);
        String expected = "{\"a\":\"quote\\\" back\\\\slash café\",\"b\":\"line\nbreak\ttab\",\"n\":[3,-1,0],\"t\":true,\"z\":null}";
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), canonical);
        assertEquals(85, canonical.length);
        assertEquals("c87d6224420324d4347bdf3be7f0c41c812dc4f0febb458bcecf766392210ba5", Sha256.hex(canonical));
    }

    @Test
    void parsingTheFileFormAndReEncodingGivesTheSameCanonicalBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\there\u0001");
        byte[] file = Json.write(m);
        assertEquals("{\"s\":\"tab\\u0009here\\u0001\"}", new String(file, StandardCharsets.UTF_8));
        assertArrayEquals(CanonicalJson.encode(m), CanonicalJson.encode(Json.parse(file)));
    }

    @Test
    void floatsCannotBeEncoded() {
        assertThrows(JsonException.class, () -> CanonicalJson.encode(Map.of("x", 1.5)));
    }

    @Test
    void keysSortByUtf16CodeUnitsAsTufJsDoes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 1L);
        m.put("B", 2L);
        m.put("a", 3L);
        assertEquals("{\"B\":2,\"a\":3,\"b\":1}", new String(CanonicalJson.encode(m), StandardCharsets.UTF_8));
    }

    @Test
    void aSortedMapIsWrittenAsIteratedAndAnyOtherMapIsSortedToTheSameBytes() {
        Map<String, Object> unsorted = new LinkedHashMap<>();
        unsorted.put("r0001/z.txt", Map.of("length", 2L));
        unsorted.put("r0001/B.txt", "say \"hi\" \\ then\u0001");
        unsorted.put("r0001/a.txt", List.of("x", "y\\"));
        Map<String, Object> sorted = new java.util.TreeMap<>(unsorted);
        assertArrayEquals(CanonicalJson.encode(unsorted), CanonicalJson.encode(sorted));
        assertArrayEquals(Json.write(unsorted), Json.write(sorted));
        assertEquals("{\"r0001/B.txt\":\"say \\\"hi\\\" \\\\ then\u0001\",\"r0001/a.txt\":[\"x\",\"y\\\\\"],"
                + "\"r0001/z.txt\":{\"length\":2}}", new String(CanonicalJson.encode(sorted), StandardCharsets.UTF_8));
        assertEquals("\"say \\\"hi\\\" \\\\ then\\u0001\"", new String(Json.write("say \"hi\" \\ then\u0001"),
                StandardCharsets.UTF_8));
    }

    @Test
    void aSortedMapWithItsOwnOrderIsResorted() {
        Map<String, Object> reversed = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        reversed.put("a", 1L);
        reversed.put("b", 2L);
        assertEquals("{\"a\":1,\"b\":2}", new String(CanonicalJson.encode(reversed), StandardCharsets.UTF_8));
    }
}
