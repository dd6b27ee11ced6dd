package org.samizdat.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteArrayDataOutput;
import org.apache.lucene.util.BytesRef;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.repo.Catalog;

/**
 * One verified document as the index holds it: its text (extracted from its bytes and stored), what a hit shows,
 * date sort key and facet values (from its signed metadata).
 */
final class IndexedDocument {
    /** What became of one document. */
    enum Outcome { INDEXED, EXTRACTION_FAILED, UNVERIFIED }

    /** The text, stored for showing, with each word's offsets kept so a snippet is marked without analysing the text again. */
    private static final FieldType BODY = bodyType();
    /** The field holding each document's slice, 0 to {@link #SLICES} - 1: a fixed, content-blind sample of the index. */
    static final String SAMPLE = "slice";
    static final int SLICES = 64;

    private IndexedDocument() {
    }

    private static FieldType bodyType() {
        FieldType t = new FieldType(TextField.TYPE_STORED);
        t.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        t.freeze();
        return t;
    }

    /**
     * The field holding what a hit shows but its snippet (path, title, date, release, reference,
     * type, length), apart from the stored text: a page's hits are read without decompressing
     * each document's text a second time after the snippets have.
     */
    static final String HIT = "hit";

    private static BytesRef hitRecord(String path, String title, String date, String release, String reference,
                                      String type, long length) {
        byte[] buf = new byte[64 + 3 * (path.length() + title.length() + date.length() + release.length()
                + reference.length() + type.length())];
        ByteArrayDataOutput out = new ByteArrayDataOutput(buf);
        try {
            for (String s : new String[] {path, title, date, release, reference, type}) {
                out.writeString(s);
            }
            out.writeVLong(length);
        } catch (IOException cannot) {
            throw new java.io.UncheckedIOException(cannot); // an in-memory buffer sized for the worst case
        }
        return new BytesRef(buf, 0, out.getPosition());
    }

    /** A hit as {@link #HIT} recorded it, with its snippet. */
    static SearchResults.Hit hit(BytesRef record, String snippetHtml) throws IOException {
        ByteArrayDataInput in = new ByteArrayDataInput(record.bytes, record.offset, record.length);
        String path = in.readString();
        String title = in.readString();
        String date = in.readString();
        String release = in.readString();
        String reference = in.readString();
        String type = in.readString();
        return new SearchResults.Hit(path, title, date, release, reference, type, in.readVLong(), snippetHtml);
    }

    /** A document's slice, from its path alone, so that a slice is a uniform sample whatever a query asks. */
    static int sampleSlice(String path) {
        int h = path.hashCode() * 0x9E3779B9; // Fibonacci hashing spreads String.hashCode's low bits
        return h >>> (32 - Integer.numberOfTrailingZeros(SLICES));
    }

    /** Adds the document if its bytes are present and match what was signed ({@link Catalog#read}). */
    static Outcome add(IndexWriter writer, FacetsConfig facetsConfig, Catalog catalog, Catalog.Entry e) throws IOException {
        Optional<byte[]> bytes = catalog.read(e);
        if (bytes.isEmpty()) {
            return Outcome.UNVERIFIED;
        }
        DocumentMeta meta = e.meta();
        String title = meta.title();
        String text = "";
        boolean failed = false;
        try {
            TextExtractor.Extracted x = TextExtractor.extract(bytes.get(), meta.contentType());
            text = x.text();
            if (title.isEmpty()) {
                title = x.title();
            }
        } catch (TextExtractor.Failure f) {
            failed = true;
        }
        if (title.isEmpty()) {
            title = e.path().substring(e.path().lastIndexOf('/') + 1);
        }
        String ref = field(meta, "reference");
        Document doc = new Document();
        doc.add(new StringField("path", e.path(), Field.Store.NO));
        doc.add(new StringField("release", e.release(), Field.Store.NO));
        doc.add(new TextField("title", title, Field.Store.NO));
        doc.add(new Field("body", text, BODY));
        doc.add(new BinaryDocValuesField(HIT, hitRecord(e.path(), title, meta.date(), e.release(), ref, meta.contentType(),
                e.file().length())));
        long day = day(meta.date());
        doc.add(new NumericDocValuesField("day", day));
        doc.add(new LongPoint("day", day)); // lets a sort by date skip what cannot reach the page
        doc.add(new IntPoint(SAMPLE, sampleSlice(e.path())));
        if (!ref.isEmpty()) {
            doc.add(new StringField("ref", ref.toLowerCase(Locale.ROOT), Field.Store.NO));
        }
        if (failed) {
            doc.add(new StringField("extraction", "failed", Field.Store.YES));
        }
        for (Map.Entry<String, List<String>> f : facetValues(e).entrySet()) {
            for (String v : f.getValue()) {
                doc.add(new StringField("f_" + f.getKey(), v, Field.Store.NO));
                doc.add(new SortedSetDocValuesFacetField(f.getKey(), v));
            }
        }
        writer.addDocument(facetsConfig.build(doc));
        return failed ? Outcome.EXTRACTION_FAILED : Outcome.INDEXED;
    }

    /** The facet values of a document, from its signed metadata. */
    static Map<String, List<String>> facetValues(Catalog.Entry e) {
        DocumentMeta meta = e.meta();
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("release", List.of(e.release()));
        if (meta.date().length() >= 4) {
            m.put("year", List.of(meta.date().substring(0, 4)));
        }
        if (meta.date().length() >= 7) {
            m.put("month", List.of(meta.date().substring(0, 7)));
        }
        put(m, "origin", field(meta, "origin"));
        put(m, "classification", field(meta, "classification"));
        if (meta.fields().get("tags") instanceof List<?> tags) {
            List<String> vs = new ArrayList<>();
            for (Object t : tags) {
                String s = String.valueOf(t).strip();
                if (!s.isEmpty() && !vs.contains(s) && vs.size() < 32) {
                    vs.add(s);
                }
            }
            if (!vs.isEmpty()) {
                m.put("tag", vs);
            }
        }
        String type = meta.contentType();
        int semi = type.indexOf(';');
        put(m, "type", (semi < 0 ? type : type.substring(0, semi)).strip());
        return m;
    }

    private static void put(Map<String, List<String>> m, String dim, String v) {
        if (!v.isEmpty()) {
            m.put(dim, List.of(v.length() > 200 ? v.substring(0, 200) : v));
        }
    }

    private static String field(DocumentMeta meta, String name) {
        return meta.fields().get(name) instanceof String s ? s.strip() : "";
    }

    /** A date as yyyymmdd for sorting (a year alone sorts as its first day; no date as 0). */
    static long day(String date) {
        if (date.length() < 4) {
            return 0;
        }
        String d = (date.length() >= 10 ? date.substring(0, 10) : (date + "-01-01").substring(0, 10)).replace("-", "");
        try {
            return Long.parseLong(d);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

}
