package org.samizdat.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes cable-like documents: {@code Key: value} headers (reference id such as
 * {@code 09STATE12345}, date, origin post, classification, subject, tags) and English-like body
 * text whose length is log-normal around 5 KB with a tail past 100 KB; about one in fifty is a
 * PDF, HTML page or email instead. The same seed gives the same bytes.
 */
public final class Corpus {
    private static final String[] CITIES = {"Paris", "Berlin", "Moscow", "Beijing", "Tokyo", "Cairo", "Nairobi", "Lagos",
        "Brasilia", "Ottawa", "Canberra", "Madrid", "Rome", "Ankara", "Tehran", "Baghdad", "Kabul", "Islamabad", "New Delhi",
        "Jakarta", "Manila", "Seoul", "Hanoi", "Bangkok", "Lima", "Bogota", "Caracas", "Havana", "Mexico", "Pretoria",
        "Addis Ababa", "Riyadh", "Doha", "Tunis", "Rabat", "Algiers", "Kyiv", "Warsaw", "Prague", "Vienna", "Bern",
        "Stockholm", "Oslo", "Helsinki", "Copenhagen", "Dublin", "London", "Lisbon", "Athens", "Tbilisi", "Baku",
        "Yerevan", "Astana", "Tashkent", "Dhaka", "Colombo", "Kathmandu", "Ulaanbaatar", "Wellington", "Santiago"};
    private static final String[] CODES = {"STATE", "PARIS", "BERLIN", "MOSCOW", "BEIJING", "TOKYO", "CAIRO", "NAIROBI",
        "LAGOS", "BRASILIA", "OTTAWA", "CANBERRA", "MADRID", "ROME", "ANKARA", "BAGHDAD", "KABUL", "ISLAMABAD"};
    private static final String[] CLASSIFICATIONS = {"UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "CONFIDENTIAL",
        "CONFIDENTIAL//NOFORN", "SECRET", "SECRET//NOFORN"};
    private static final String[] TAGS = {"PREL", "PGOV", "ECON", "EFIN", "ETRD", "ENRG", "EPET", "MARR", "MOPS", "PTER",
        "PHUM", "KDEM", "KJUS", "SNAR", "EAID", "SENV", "TBIO", "KNNP", "ASEC", "CASC", "OVIP", "KPAO", "ELAB", "EAGR"};
    private static final String[] WORDS = ("the of and to in a that is for on with as by at from this be are was were "
            + "minister government embassy official officials meeting talks agreement trade energy security report "
            + "policy president delegation ministry foreign economic military opposition election reform parliament "
            + "sources contact discussed noted stressed expressed concern support cooperation regional border "
            + "negotiations oil gas pipeline sanctions aid program budget corruption investigation court judge "
            + "press media human rights protest police army party leader coalition vote law draft proposal visit").split(" ");

    private Corpus() {
    }

    /** One generated document: its file (relative to the corpus root) and its size. */
    public record Document(Path file, long bytes) {
    }

    /**
     * Writes {@code docs} documents under {@code dir}, spread over {@code releases} subdirectories
     * named {@code release-1} ... (one directory per release to add), and returns them.
     */
    public static List<Document> write(Path dir, int docs, long seed, int releases) throws IOException {
        if (docs < 0 || releases < 1) {
            throw new IllegalArgumentException("need docs >= 0 and releases >= 1");
        }
        Random r = new Random(seed);
        List<Document> out = new ArrayList<>();
        LocalDate start = LocalDate.of(2003, 1, 1);
        for (int i = 0; i < docs; i++) {
            int release = 1 + (int) ((long) i * releases / Math.max(1, docs));
            LocalDate date = start.plusDays((long) (i * (2600.0 / Math.max(1, docs))) + r.nextInt(3));
            String code = CODES[r.nextInt(CODES.length)];
            String ref = String.format("%02d%s%d", date.getYear() % 100, code, 100 + r.nextInt(99_900));
            Path folder = dir.resolve("release-" + release).resolve(String.valueOf(date.getYear()));
            Files.createDirectories(folder);
            Path file;
            byte[] bytes;
            int kind = r.nextInt(50);
            String subject = sentence(r, 4 + r.nextInt(6)).replace(".", "").toUpperCase(java.util.Locale.ROOT);
            if (kind == 0) {
                file = folder.resolve(ref + ".pdf");
                bytes = pdf(subject);
            } else if (kind == 1) {
                file = folder.resolve(ref + ".html");
                bytes = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + subject + "</title></head><body><h1>"
                        + subject + "</h1><p>" + body(r, 2000) + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
            } else if (kind == 2) {
                file = folder.resolve(ref + ".eml");
                bytes = ("From: press@example.org\r\nTo: desk@example.org\r\nSubject: " + subject + "\r\nDate: "
                        + date + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body(r, 1500) + "\r\n")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                file = folder.resolve(ref + ".txt");
                int length = (int) Math.min(400_000, Math.max(300, Math.exp(Math.log(5000) + 0.9 * r.nextGaussian())));
                StringBuilder tags = new StringBuilder();
                int n = 1 + r.nextInt(4);
                for (int t = 0; t < n; t++) {
                    tags.append(t == 0 ? "" : ", ").append(TAGS[r.nextInt(TAGS.length)]);
                }
                String post = code.equals("STATE") ? "Secretary of State" : "Embassy " + CITIES[r.nextInt(CITIES.length)];
                bytes = ("Reference: " + ref + "\nDate: " + date + "\nOrigin: " + post + "\nClassification: "
                        + CLASSIFICATIONS[r.nextInt(CLASSIFICATIONS.length)] + "\nSubject: " + subject + "\nTags: " + tags
                        + "\n\n" + body(r, length) + "\n").getBytes(StandardCharsets.UTF_8);
            }
            if (Files.exists(file)) {
                file = file.resolveSibling(file.getFileName().toString().replace(".", "-" + i + "."));
            }
            Files.write(file, bytes);
            out.add(new Document(dir.relativize(file), bytes.length));
        }
        return out;
    }

    private static String body(Random r, int length) {
        StringBuilder sb = new StringBuilder(length + 100);
        int paragraph = 1;
        while (sb.length() < length) {
            sb.append(paragraph++).append(". ");
            for (int s = 0; s < 3 + r.nextInt(5) && sb.length() < length; s++) {
                sb.append(sentence(r, 8 + r.nextInt(18))).append(' ');
            }
            sb.append("\n\n");
        }
        return sb.toString().trim();
    }

    private static String sentence(Random r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            String word = WORDS[r.nextInt(WORDS.length)];
            sb.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
        }
        return sb.append('.').toString();
    }

    /** A small valid one-page PDF holding the subject as text. */
    private static byte[] pdf(String text) {
        String safe = text.replaceAll("[()\\\\]", " ");
        String stream = "BT /F1 12 Tf 72 720 Td (" + safe + ") Tj ET";
        String[] objects = {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
        StringBuilder sb = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.length; i++) {
            offsets.add(sb.length());
            sb.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
        }
        int xref = sb.length();
        sb.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
        for (int o : offsets) {
            sb.append(String.format("%010d 00000 n \n", o));
        }
        sb.append("trailer\n<< /Size ").append(objects.length + 1).append(" /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
