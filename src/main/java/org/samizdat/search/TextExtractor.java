package org.samizdat.search;

import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;

/**
 * Plain text and a title from a document's bytes, by content type: text as UTF-8 (Latin-1 when
 * it is not valid UTF-8), HTML with jsoup, PDF with PDFBox, email ({@code .eml}) with Jakarta
 * Mail. Anything else has no text. A document that cannot be read raises {@link Failure}; the
 * index still lists it by its metadata.
 */
public final class TextExtractor {
    /** Text kept per document; the rest of a huge document is not searchable. */
    static final int MAX_TEXT = 2_000_000;
    private static final int MAX_PDF_PAGES = 500;
    private static final int MAX_MAIL_PARTS = 50;

    /** What a document says: a title (empty when it has none of its own) and its text. */
    public record Extracted(String title, String text) {
    }

    /** A document whose bytes could not be turned into text. */
    public static final class Failure extends Exception {
        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TextExtractor() {
    }

    public static Extracted extract(byte[] bytes, String contentType) throws Failure {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        try {
            if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
                var doc = Jsoup.parse(decode(bytes));
                return cut(doc.title(), doc.body() == null ? doc.text() : doc.body().wholeText());
            }
            if (type.startsWith("application/pdf")) {
                return pdf(bytes);
            }
            if (type.startsWith("message/rfc822")) {
                return mail(bytes);
            }
            if (type.startsWith("text/") || type.isEmpty() || type.equals("application/json")) {
                return cut("", decode(bytes));
            }
            return new Extracted("", "");
        } catch (IOException | MessagingException | RuntimeException e) {
            throw new Failure(type + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
    }

    private static Extracted pdf(byte[] bytes) throws IOException {
        try (PDDocument pdf = Loader.loadPDF(bytes)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setEndPage(MAX_PDF_PAGES);
            String title = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            return cut(title == null ? "" : title, stripper.getText(pdf));
        }
    }

    private static Extracted mail(byte[] bytes) throws MessagingException, IOException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
        StringBuilder text = new StringBuilder();
        for (String h : new String[] {"From", "To", "Date"}) {
            String v = m.getHeader(h, ", ");
            if (v != null) {
                text.append(h).append(": ").append(v).append('\n');
            }
        }
        text.append('\n');
        appendPart(m, text, new int[] {0});
        String subject = m.getSubject();
        return cut(subject == null ? "" : subject, text.toString());
    }

    private static void appendPart(Part part, StringBuilder text, int[] parts) throws MessagingException, IOException {
        if (++parts[0] > MAX_MAIL_PARTS || text.length() > MAX_TEXT) {
            return;
        }
        if (part.isMimeType("text/plain")) {
            text.append(part.getContent()).append('\n');
        } else if (part.isMimeType("text/html")) {
            text.append(Jsoup.parse(String.valueOf(part.getContent())).text()).append('\n');
        } else if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                appendPart(p, text, parts);
            }
        } else if (part.isMimeType("message/rfc822") && part.getContent() instanceof Message inner) {
            appendPart(inner, text, parts);
        }
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private static Extracted cut(String title, String text) {
        String t = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        return new Extracted(title.strip(), visible(t));
    }

    /**
     * The text with NUL and the other C0 controls but tab and line ends made spaces: they carry
     * nothing a reader can see. A loop, not a regular expression: this runs over every document
     * of every index build, and the expression took a tenth of the build's time.
     */
    static String visible(String t) {
        char[] chars = null;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                if (chars == null) {
                    chars = t.toCharArray();
                }
                chars[i] = ' ';
            }
        }
        return chars == null ? t : new String(chars);
    }
}
