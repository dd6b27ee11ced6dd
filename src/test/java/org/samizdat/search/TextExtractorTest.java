package org.samizdat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TextExtractorTest {

    @Test
    void controlCharactersBecomeSpacesButTabsAndLineEndsStay() throws TextExtractor.Failure {
        byte[] text = "a\u0000b\u0007c\td\ne\rf\u000Bg\u000Ch\u001Fi\u007Fj".getBytes(StandardCharsets.UTF_8);
        assertEquals("a b c\td\ne\rf g h i\u007Fj", TextExtractor.extract(text, "text/plain").text());
    }

    @Test
    void textWithoutControlsIsKeptAsItIs() {
        String plain = "Subject: oil\n\n1. The minister spoke.\t(end)";
        assertSame(plain, TextExtractor.visible(plain));
    }
}
