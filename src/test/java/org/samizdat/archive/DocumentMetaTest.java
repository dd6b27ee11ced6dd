package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentMetaTest {
    @Test
    void readsLeadingHeaderLinesOfPlainText() {
        String text = "Reference: 09STATE12345\nDate: 2009-02-03\nOrigin: Secretary of State\n"
                + "Classification: CONFIDENTIAL\nSubject: Fisheries\nTags: PREL, PGOV,EFIS\n\nBody: not a header\n";
        DocumentMeta m = DocumentMeta.fromTextHeaders(text.getBytes(StandardCharsets.UTF_8), ContentType.TEXT);
        assertEquals("Fisheries", m.title());
        assertEquals("2009-02-03", m.date());
        assertEquals("09STATE12345", m.fields().get("reference"));
        assertEquals(List.of("PREL", "PGOV", "EFIS"), m.fields().get("tags"));
        assertTrue(!m.fields().containsKey("body"));
    }

    @Test
    void plainTextWithoutHeadersHasNoMetadata() {
        DocumentMeta m = DocumentMeta.fromTextHeaders("Just a letter.\nNothing: here\n".getBytes(StandardCharsets.UTF_8),
                ContentType.TEXT);
        assertEquals("", m.title());
        assertTrue(m.fields().isEmpty());
    }

    @Test
    void anUnparsableDateIsKeptAsTextNotSigned() {
        DocumentMeta m = DocumentMeta.fromTextHeaders("Date: 3 Feb 2009\n\nx\n".getBytes(StandardCharsets.UTF_8),
                ContentType.TEXT);
        assertEquals("", m.date());
        assertEquals("3 Feb 2009", m.fields().get("date_text"));
    }

    @Test
    void readsSidecarsAndRejectsUnknownKeys() {
        DocumentMeta m = DocumentMeta.fromSidecar(("{\"title\":\"Memo\",\"date\":\"2010-11\",\"fields\":"
                + "{\"origin\":\"Embassy Paris\",\"tags\":[\"A\",\"B\"]}}").getBytes(StandardCharsets.UTF_8), "application/pdf");
        assertEquals("Memo", m.title());
        assertEquals("application/pdf", m.contentType());
        assertEquals(List.of("A", "B"), m.fields().get("tags"));
        assertThrows(IllegalArgumentException.class,
                () -> DocumentMeta.fromSidecar("{\"titel\":\"x\"}".getBytes(StandardCharsets.UTF_8), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> DocumentMeta.fromSidecar("{\"fields\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8), "x"));
        assertThrows(IllegalArgumentException.class,
                () -> DocumentMeta.fromSidecar("{\"fields\":{\"Bad Name\":\"x\"}}".getBytes(StandardCharsets.UTF_8), "x"));
    }

    @Test
    void roundTripsThroughTheSignedCustomObject() {
        DocumentMeta m = new DocumentMeta("T", "2001", "text/plain", java.util.Map.of("tags", List.of("x")));
        assertEquals(m, DocumentMeta.fromCustom(m.toCustom("r0001")));
        assertEquals("r0001", m.toCustom("r0001").get("release"));
    }
}
