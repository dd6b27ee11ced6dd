package org.samizdat.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.samizdat.corpus.Corpus;
import org.samizdat.repo.TestArchive;

/**
 * A shared fixture for the reader: a published archive of cable-like documents from the corpus
 * generator in two releases, plus hand-made documents a reader must survive: an HTML page with a
 * script, an email, a broken PDF, text with diacritics, and a title full of markup.
 */
public final class SampleArchive {
    /** Words only the hand-made documents contain. */
    public static final String HOSTILE_WORD = "xylophonic";
    public static final String UNICODE_WORD = "Zürichsee";
    public static final String MAIL_WORD = "quartermaster";
    public static final String BROKEN_PDF = "special/broken.pdf";

    private SampleArchive() {
    }

    /** Publishes release r0001 (corpus seed 7 plus the hand-made documents) and r0002 (corpus seed 8). */
    public static TestArchive create(Path tmp, int docsPerRelease) throws Exception {
        return create(tmp, docsPerRelease, TestArchive.START);
    }

    /** As above, signed at {@code now} (mirrors and third-party clients check expiry against the real clock). */
    public static TestArchive create(Path tmp, int docsPerRelease, java.time.Instant now) throws Exception {
        TestArchive a = TestArchive.create(tmp, now);
        Path one = tmp.resolve("corpus-1");
        Corpus.write(one, docsPerRelease, 7, 1);
        Path special = one.resolve("release-1/special");
        Files.createDirectories(special);
        Files.writeString(special.resolve("hostile.html"), "<!doctype html><html><head><title>A <b>bold</b> &amp; odd page</title>"
                + "<script>document.title='owned'</script></head><body><p>The " + HOSTILE_WORD
                + " memo says <script>alert(1)</script> &lt;img src=x onerror=alert(2)&gt; nothing else.</p></body></html>",
                StandardCharsets.UTF_8);
        Files.writeString(special.resolve("note.eml"), "From: clerk@example.org\r\nTo: desk@example.org\r\n"
                + "Subject: Supplies for the " + MAIL_WORD + "\r\nDate: Mon, 2 Mar 2009 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nThe " + MAIL_WORD + " needs boots.\r\n--b1\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>The <b>" + MAIL_WORD + "</b> needs boots.</p>\r\n--b1--\r\n",
                StandardCharsets.UTF_8);
        Files.write(special.resolve("broken.pdf"), "%PDF-1.4\nthis is not really a PDF at all\n".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(special.resolve("lake.txt"), "Reference: 09BERN777\nDate: 2009-07-14\nOrigin: Embassy Bern\n"
                + "Classification: CONFIDENTIAL\nSubject: Boats on the " + UNICODE_WORD + " <script>alert(3)</script>\n"
                + "Tags: SENV, PREL\n\nSailing on the " + UNICODE_WORD + " is popular; the Ministère says ça va.\n",
                StandardCharsets.UTF_8);
        a.stage(one.resolve("release-1"));
        a.publish("First release");
        Path two = tmp.resolve("corpus-2");
        Corpus.write(two, docsPerRelease, 8, 1);
        a.stage(two.resolve("release-1"));
        a.publish("Second release");
        return a;
    }
}
