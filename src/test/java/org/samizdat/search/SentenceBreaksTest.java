package org.samizdat.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SentenceBreaksTest {

    private static List<String> passages(String text) {
        BreakIterator b = new SentenceBreaks();
        b.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = b.first(), end = b.next(); end != BreakIterator.DONE; start = end, end = b.next()) {
            out.add(text.substring(start, end));
        }
        return out;
    }

    @Test
    void linesAndSentencesArePassagesButAListNumberIsNot() {
        String text = "Subject: OIL TALKS\nTags: ECON\n\n1. The minister spoke. Oil rose! Why? Nobody knew";
        assertEquals(List.of("Subject: OIL TALKS\n", "Tags: ECON\n\n", "1. The minister spoke. ", "Oil rose! ", "Why? ",
                "Nobody knew"), passages(text));
    }

    @Test
    void textWithoutSentencesIsCutAtASpaceOnceAPassageRunsLong() {
        String text = "word ".repeat(200).strip();
        List<String> parts = passages(text);
        assertEquals(text, String.join("", parts));
        assertTrue(parts.size() >= 3, parts.toString());
        for (String p : parts) {
            assertTrue(p.length() <= SentenceBreaks.LONGEST + "word ".length(), p);
            assertTrue(p.startsWith("word"), p);
        }
    }

    @Test
    void followingAndPrecedingAnswerAsTheJdkContractSays() {
        String text = "One two. Three four. Five";
        BreakIterator b = new SentenceBreaks();
        b.setText(text);
        assertEquals(9, b.following(0));
        assertEquals(9, b.following(5));
        assertEquals(21, b.following(9));
        assertEquals(text.length(), b.following(22));
        assertEquals(BreakIterator.DONE, b.following(text.length()));
        assertEquals(BreakIterator.DONE, b.preceding(0));
        assertEquals(0, b.preceding(9));
        assertEquals(9, b.preceding(10));
        assertEquals(21, b.preceding(text.length()));
        assertTrue(b.isBoundary(21));
        assertEquals(21, b.current());
        assertTrue(!b.isBoundary(3));
        assertEquals(9, b.current(), "a position that is no boundary moves to the next one");
        assertEquals(text.length(), b.getText().getEndIndex());
    }

    @Test
    void emptyTextHasOneBoundary() {
        BreakIterator b = new SentenceBreaks();
        b.setText("");
        assertEquals(0, b.first());
        assertEquals(BreakIterator.DONE, b.next());
        assertEquals(0, b.last());
    }
}
