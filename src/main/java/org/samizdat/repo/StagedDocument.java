package org.samizdat.repo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.TargetPath;

/**
 * A document waiting for the next release: its path in the release, content digest and metadata,
 * and where its staged copy is ({@code packs/<pack>/<folder>/<number>} below the staging area; null for
 * content staged before packs, kept by its sha256).
 */
public record StagedDocument(TargetPath path, String sha256, long length, DocumentMeta meta, String object) {
    /** An object's place, checked when the index is read back: it never leads outside the packs. */
    private static final java.util.regex.Pattern OBJECT = java.util.regex.Pattern.compile(
            Staging.PACKS + "/[0-9a-z]+-[0-9a-f]+/[0-9]{1,2}/[0-9]{1,9}");

    public StagedDocument {
        if (object != null && !OBJECT.matcher(object).matches()) {
            throw new IllegalArgumentException("staged object " + object + " is not a place in a pack");
        }
    }

    /**
     * What {@code add} knows before the content is read: its path and metadata, or, when
     * {@code headers} is true, only its content type, the rest to come from the document's own
     * leading {@code Key: value} lines as it is copied in.
     */
    public record Draft(TargetPath path, DocumentMeta meta, boolean headers) {
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path.value());
        m.put("sha256", sha256);
        m.put("length", length);
        Map<String, Object> meta = this.meta.toCustom("");
        meta.remove("release");
        m.put("meta", meta);
        if (object != null) {
            m.put("object", object);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static StagedDocument fromJson(Map<String, Object> m) {
        return new StagedDocument(new TargetPath((String) m.get("path")), (String) m.get("sha256"),
                (Long) m.get("length"), DocumentMeta.fromCustom((Map<String, Object>) m.get("meta")), (String) m.get("object"));
    }
}
