package org.samizdat.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.samizdat.work.Progress;

/**
 * Writes cable-like documents: {@code Key: value} headers (reference id such as
 * {@code 09STATE12345}, date, one of about 250 origin posts, addressee, classification, subject,
 * tags of three kinds) and English-like body text, drawn from a {@link Vocabulary}, whose length is
 * log-normal around 5 KB, with one in 500 a long report past 100 KB; one in fifty each is a PDF, an
 * HTML page or an email instead. The same seed and vocabulary give the same bytes.
 */
public final class Corpus {
    /**
     * Posts as "City:CC" (CC the country tag): embassies in capitals, then consulates. Busier posts
     * come first; the reference code is the city's name in capitals ({@code 09ADDISABABA123}).
     */
    private static final String[] EMBASSIES = ("Paris:FR Berlin:GM Moscow:RS Beijing:CH Tokyo:JA Cairo:EG Baghdad:IZ "
            + "Kabul:AF Islamabad:PK New_Delhi:IN London:UK Rome:IT Madrid:SP Ankara:TU Tel_Aviv:IS Riyadh:SA "
            + "Mexico:MX Brasilia:BR Ottawa:CA Canberra:AS Seoul:KS Jakarta:ID Manila:RP Bangkok:TH Hanoi:VM "
            + "Nairobi:KE Lagos:NI Abuja:NI Pretoria:SF Addis_Ababa:ET Khartoum:SU Tripoli:LY Tunis:TS Rabat:MO "
            + "Algiers:AG Amman:JO Beirut:LE Damascus:SY Sanaa:YM Doha:QA Abu_Dhabi:AE Kuwait:KU Manama:BA "
            + "Muscat:MU Tehran:IR Baku:AJ Tbilisi:GG Yerevan:AM Kyiv:UP Minsk:BO Warsaw:PL Prague:EZ "
            + "Bratislava:LO Budapest:HU Vienna:AU Bern:SZ Brussels:BE The_Hague:NL Luxembourg:LU Dublin:EI "
            + "Lisbon:PO Athens:GR Nicosia:CY Valletta:MT Sofia:BU Bucharest:RO Belgrade:RI Zagreb:HR "
            + "Ljubljana:SI Sarajevo:BK Skopje:MK Tirana:AL Podgorica:MJ Pristina:KV Chisinau:MD Vilnius:LH "
            + "Riga:LG Tallinn:EN Helsinki:FI Stockholm:SW Oslo:NO Copenhagen:DA Reykjavik:IC Astana:KZ "
            + "Tashkent:UZ Bishkek:KG Dushanbe:TI Ashgabat:TX Ulaanbaatar:MG Dhaka:BG Colombo:CE Kathmandu:NP "
            + "Rangoon:BM Phnom_Penh:CB Vientiane:LA Kuala_Lumpur:MY Singapore:SN Bandar_Seri_Begawan:BX "
            + "Dili:TT Port_Moresby:PP Wellington:NZ Suva:FJ Apia:WS Majuro:RM Kolonia:FM Koror:PS "
            + "Havana:CU Caracas:VE Bogota:CO Quito:EC Lima:PE La_Paz:BL Santiago:CI Buenos_Aires:AR "
            + "Montevideo:UY Asuncion:PA Georgetown:GY Paramaribo:NS Panama:PM San_Jose:CS Managua:NU "
            + "Tegucigalpa:HO San_Salvador:ES Guatemala:GT Belmopan:BH Kingston:JM Port_au_Prince:HA "
            + "Santo_Domingo:DR Port_of_Spain:TD Bridgetown:BB Nassau:BF Dakar:SG Bamako:ML Niamey:NG "
            + "Ouagadougou:UV Nouakchott:MR Conakry:GV Freetown:SL Monrovia:LI Abidjan:IV Accra:GH Lome:TO "
            + "Cotonou:BN Yaounde:CM Libreville:GB Malabo:EK Kinshasa:CG Brazzaville:CF Bangui:CT Ndjamena:CD "
            + "Kigali:RW Bujumbura:BY Kampala:UG Dar_es_Salaam:TZ Lusaka:ZA Harare:ZI Lilongwe:MI Maputo:MZ "
            + "Gaborone:BC Windhoek:WA Maseru:LT Mbabane:WZ Antananarivo:MA Port_Louis:MP Asmara:ER "
            + "Djibouti:DJ Mogadishu:SO Luanda:AO Banjul:GA Bissau:PU Praia:CV Victoria:SE").split(" ");
    private static final String[] CONSULATES = ("Istanbul:TU Jerusalem:IS Basrah:IZ Erbil:IZ Karachi:PK Lahore:PK "
            + "Peshawar:PK Mumbai:IN Chennai:IN Kolkata:IN Hyderabad:IN Shanghai:CH Guangzhou:CH Chengdu:CH "
            + "Shenyang:CH Hong_Kong:HK Osaka_Kobe:JA Naha:JA Sapporo:JA Fukuoka:JA Busan:KS St_Petersburg:RS "
            + "Yekaterinburg:RS Vladivostok:RS Frankfurt:GM Munich:GM Hamburg:GM Leipzig:GM Dusseldorf:GM "
            + "Marseille:FR Strasbourg:FR Milan:IT Naples:IT Florence:IT Barcelona:SP Krakow:PL Jeddah:SA "
            + "Dhahran:SA Dubai:AE Adana:TU Alexandria:EG Casablanca:MO Johannesburg:SF Cape_Town:SF "
            + "Durban:SF Sao_Paulo:BR Rio_de_Janeiro:BR Recife:BR Monterrey:MX Guadalajara:MX Tijuana:MX "
            + "Ciudad_Juarez:MX Nuevo_Laredo:MX Matamoros:MX Hermosillo:MX Merida:MX Toronto:CA Montreal:CA "
            + "Vancouver:CA Calgary:CA Halifax:CA Quebec:CA Sydney:AS Melbourne:AS Perth:AS Auckland:NZ "
            + "Ho_Chi_Minh_City:VM Chiang_Mai:TH Surabaya:ID Curacao:NA Hamilton:BD Ponta_Delgada:PO").split(" ");
    private static final String[] CLASSIFICATIONS = {"UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "CONFIDENTIAL",
        "CONFIDENTIAL//NOFORN", "SECRET", "SECRET//NOFORN"};
    /** Subject tags (politics, economics, military, social) and program tags, the two kinds besides countries. */
    private static final String[] SUBJECT_TAGS = {"PREL", "PGOV", "PINR", "PHUM", "PTER", "PINS", "ECON", "EFIN", "ETRD",
        "ENRG", "EPET", "EAID", "EAGR", "ELAB", "EINV", "MARR", "MOPS", "MCAP", "SNAR", "SENV", "SOCI", "TBIO", "ASEC",
        "CASC", "OVIP", "KPAO", "AMGT", "CVIS"};
    private static final String[] PROGRAM_TAGS = {"KDEM", "KJUS", "KNNP", "KCOR", "KCRM", "KWMN", "KIRF", "KTIP", "KPKO",
        "KISL", "KFRD", "KMDR", "KCFE", "KSUM", "KPAL", "KGHG"};
    /** Washington's own senders, about one cable in ten. */
    private static final String[] WASHINGTON = {"Secretary of State:STATE", "USUN New York:USUNNEWYORK",
        "USEU Brussels:USEUBRUSSELS", "USNATO:USNATO", "UNVIE Vienna:UNVIEVIENNA", "Mission Geneva:GENEVA"};
    private Corpus() {
    }

    /** One generated document: its file (relative to the corpus root), its release (1..K) and its size. */
    public record Document(Path file, int release, long bytes) {
    }

    /** Same as {@link #write(Path, int, long, int, Vocabulary, Progress)} with the small vocabulary and no progress. */
    public static List<Document> write(Path dir, int docs, long seed, int releases) throws IOException {
        return write(dir, docs, seed, releases, Vocabulary.SMALL, Progress.NONE);
    }

    /** The posts' cities, as names in text ({@code Addis Ababa}). */
    static List<String> cities() {
        List<String> out = new ArrayList<>();
        for (String[] list : List.of(EMBASSIES, CONSULATES)) {
            for (String post : list) {
                out.add(post.substring(0, post.indexOf(':')).replace('_', ' '));
            }
        }
        return out;
    }

    /**
     * Writes {@code docs} documents under {@code dir}, spread evenly over {@code releases}
     * subdirectories {@code release-1} ... (one directory per release to add, by year inside),
     * and returns them in the order written. Their text is drawn from {@code words}.
     */
    public static List<Document> write(Path dir, int docs, long seed, int releases, Vocabulary words, Progress progress)
            throws IOException {
        if (docs < 0 || releases < 1) {
            throw new IllegalArgumentException("need docs >= 0 and releases >= 1");
        }
        Random r = new Random(seed);
        List<Document> out = new ArrayList<>(docs);
        LocalDate start = LocalDate.of(2003, 1, 1);
        for (int i = 0; i < docs; i++) {
            int release = 1 + (int) ((long) i * releases / Math.max(1, docs));
            LocalDate date = start.plusDays((long) (i * (2600.0 / Math.max(1, docs))) + r.nextInt(3));
            String[] post = post(r);
            String ref = String.format("%02d%s%d", date.getYear() % 100, post[1], 100 + r.nextInt(r.nextInt(10) == 0 ? 999_900 : 99_900));
            Path folder = dir.resolve("release-" + release).resolve(String.valueOf(date.getYear()));
            Files.createDirectories(folder);
            Path file;
            byte[] bytes;
            int kind = r.nextInt(50);
            String subject = subject(r, words, 4 + r.nextInt(6));
            if (kind == 0) {
                file = folder.resolve(ref + ".pdf");
                bytes = pdf(subject);
            } else if (kind == 1) {
                file = folder.resolve(ref + ".html");
                bytes = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + subject + "</title></head><body><h1>"
                        + subject + "</h1><p>" + body(r, words, 2000) + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
            } else if (kind == 2) {
                file = folder.resolve(ref + ".eml");
                bytes = ("From: press@example.org\r\nTo: desk@example.org\r\nSubject: " + subject + "\r\nDate: "
                        + date + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body(r, words, 1500) + "\r\n")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                file = folder.resolve(ref + ".txt");
                // log-normal around 5 KB, and one in 500 a long report of 100-400 KB
                int length = r.nextInt(500) == 0 ? 100_000 + r.nextInt(300_000)
                        : (int) Math.min(400_000, Math.max(300, Math.exp(Math.log(5000) + 0.9 * r.nextGaussian())));
                bytes = ("Reference: " + ref + "\nDate: " + date + "\nOrigin: " + post[0]
                        + "\nTo: " + (post[1].equals("STATE") ? "All Diplomatic and Consular Posts" : "Secretary of State")
                        + "\nClassification: " + CLASSIFICATIONS[r.nextInt(CLASSIFICATIONS.length)] + "\nSubject: " + subject
                        + "\nTags: " + tags(r, post[2]) + "\n\n" + body(r, words, length) + "\n").getBytes(StandardCharsets.UTF_8);
            }
            if (Files.exists(file)) {
                file = file.resolveSibling(file.getFileName().toString().replace(".", "-" + i + "."));
            }
            Files.write(file, bytes);
            out.add(new Document(dir.relativize(file), release, bytes.length));
            progress.update("writing the corpus", i + 1, docs);
        }
        return out;
    }

    /** A sender as {name, reference code, country tag}: busier posts more often, Washington one time in ten. */
    private static String[] post(Random r) {
        if (r.nextInt(10) == 0) {
            String[] w = WASHINGTON[r.nextInt(WASHINGTON.length)].split(":");
            return new String[] {w[0], w[1], ""};
        }
        boolean consulate = r.nextInt(5) == 0;
        String[] list = consulate ? CONSULATES : EMBASSIES;
        double skew = r.nextDouble();
        String[] c = list[(int) (list.length * skew * skew)].split(":");
        String city = c[0].replace('_', ' ');
        return new String[] {(consulate ? "Consulate " : "Embassy ") + city,
            c[0].replace("_", "").toUpperCase(Locale.ROOT), c[1]};
    }

    /** One to four subject tags, sometimes a program tag, and the country tags (the post's, sometimes a neighbour's). */
    private static String tags(Random r, String country) {
        java.util.LinkedHashSet<String> tags = new java.util.LinkedHashSet<>();
        int n = 1 + r.nextInt(4);
        for (int t = 0; t < n; t++) {
            tags.add(SUBJECT_TAGS[r.nextInt(SUBJECT_TAGS.length)]);
        }
        if (r.nextInt(3) == 0) {
            tags.add(PROGRAM_TAGS[r.nextInt(PROGRAM_TAGS.length)]);
        }
        if (!country.isEmpty()) {
            tags.add(country);
        }
        if (country.isEmpty() || r.nextInt(4) == 0) {
            tags.add(EMBASSIES[r.nextInt(EMBASSIES.length)].split(":")[1]);
        }
        return String.join(", ", tags);
    }

    private static String subject(Random r, Vocabulary words, int n) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < n; w++) {
            sb.append(w == 0 ? "" : " ").append(words.drawContent(r));
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    private static String body(Random r, Vocabulary words, int length) {
        StringBuilder sb = new StringBuilder(length + 100);
        int paragraph = 1;
        while (sb.length() < length) {
            sb.append(paragraph++).append(". ");
            for (int s = 0; s < 3 + r.nextInt(5) && sb.length() < length; s++) {
                sb.append(sentence(r, words, 8 + r.nextInt(18))).append(' ');
            }
            sb.append("\n\n");
        }
        return sb.toString().trim();
    }

    private static String sentence(Random r, Vocabulary words, int n) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < n; w++) {
            String word = words.draw(r);
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
