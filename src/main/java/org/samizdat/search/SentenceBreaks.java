package org.samizdat.search;

import java.text.BreakIterator;
import java.text.CharacterIterator;
import java.text.StringCharacterIterator;
import java.util.Arrays;

/**
 * Where a snippet's passages may start and end: at a line break, after a sentence's closing
 * {@code .}, {@code !} or {@code ?} (not a list number's, as in "1. "), and at a space once a
 * passage has run {@link #LONGEST} characters without either, so that a passage stays short even
 * in text without sentences. Every boundary is found in one pass when the text is set; the JDK's
 * rule-based sentence iterator, which the highlighter uses by default, took more of a search's
 * time than the search itself.
 */
final class SentenceBreaks extends BreakIterator {
    /** The longest run of text, in characters, before a passage is cut at a space. */
    static final int LONGEST = 300;
    private String text = "";
    private int[] bounds = {0};
    private int count = 1;
    private int at;

    @Override
    public void setText(String newText) {
        text = newText;
        int n = text.length();
        int[] b = new int[16];
        int k = 0;
        b[k++] = 0;
        int last = 0;
        // one pass: in a run of white space, whether it holds a line end, and whether the text
        // before it closed a sentence (a full stop after a digit is a list number's, as in "1. ")
        boolean inSpace = false;
        boolean lineEnd = false;
        boolean sentenceEnd = false;
        char before = ' ';
        char prev = ' ';
        for (int p = 0; p < n; p++) {
            char c = text.charAt(p);
            if (isSpace(c)) {
                if (!inSpace) {
                    inSpace = true;
                    lineEnd = false;
                    sentenceEnd = p > 0 && (prev == '.' || prev == '!' || prev == '?') && !Character.isDigit(before);
                }
                lineEnd |= c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
            } else {
                // a passage starts only where a word starts after white space
                if (inSpace && p > 0 && (lineEnd || sentenceEnd || p - last >= LONGEST)) {
                    if (k == b.length) {
                        b = Arrays.copyOf(b, k * 2);
                    }
                    b[k++] = p;
                    last = p;
                }
                inSpace = false;
            }
            before = prev;
            prev = c;
        }
        if (n > 0) {
            if (k == b.length) {
                b = Arrays.copyOf(b, k + 1);
            }
            b[k++] = n;
        }
        bounds = b;
        count = k;
        at = 0;
    }

    /** White space: ASCII's (and the controls, which extraction has made spaces), and Unicode's beyond it. */
    private static boolean isSpace(char c) {
        return c <= ' ' || (c >= 0x80 && Character.isWhitespace(c));
    }

    @Override
    public void setText(CharacterIterator newText) {
        StringBuilder sb = new StringBuilder(newText.getEndIndex() - newText.getBeginIndex());
        for (char c = newText.first(); c != CharacterIterator.DONE; c = newText.next()) {
            sb.append(c);
        }
        setText(sb.toString());
    }

    @Override
    public CharacterIterator getText() {
        return new StringCharacterIterator(text);
    }

    @Override
    public int first() {
        at = 0;
        return bounds[0];
    }

    @Override
    public int last() {
        at = count - 1;
        return bounds[at];
    }

    @Override
    public int next(int n) {
        int to = at + n;
        if (to < 0 || to >= count) {
            at = to < 0 ? 0 : count - 1;
            return DONE;
        }
        at = to;
        return bounds[at];
    }

    @Override
    public int next() {
        return next(1);
    }

    @Override
    public int previous() {
        return next(-1);
    }

    @Override
    public int current() {
        return bounds[at];
    }

    /** The first boundary after {@code offset}, or {@link #DONE} if {@code offset} is the last. */
    @Override
    public int following(int offset) {
        int i = atOrAfter(offset);
        return moveTo(i < count && bounds[i] == offset ? i + 1 : i);
    }

    /** The last boundary before {@code offset}, or {@link #DONE} if {@code offset} is the first. */
    @Override
    public int preceding(int offset) {
        return moveTo(atOrAfter(offset) - 1);
    }

    @Override
    public boolean isBoundary(int offset) {
        int i = atOrAfter(offset);
        boolean boundary = i < count && bounds[i] == offset;
        moveTo(i); // the boundary itself, or the first after it, as the contract says
        return boundary;
    }

    /** The index of the first boundary at or after {@code offset} ({@code count} if none). */
    private int atOrAfter(int offset) {
        check(offset);
        int i = Arrays.binarySearch(bounds, 0, count, offset);
        return i >= 0 ? i : -i - 1;
    }

    /** Makes boundary {@code i} current and returns it, or stays at the nearest end and returns {@link #DONE}. */
    private int moveTo(int i) {
        if (i < 0 || i >= count) {
            at = i < 0 ? 0 : count - 1;
            return DONE;
        }
        at = i;
        return bounds[at];
    }

    private void check(int offset) {
        if (offset < 0 || offset > text.length()) {
            throw new IllegalArgumentException("offset " + offset + " is outside the text (0 to " + text.length() + ")");
        }
    }

    @Override
    public SentenceBreaks clone() {
        return (SentenceBreaks) super.clone();
    }
}
