package org.samizdat.repo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.TargetPath;

/** A document waiting for the next release: its path in the release, content digest and metadata. */
public record StagedDocument(TargetPath path, String sha256, long length, DocumentMeta meta) {
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
        return m;
    }

    @SuppressWarnings("unchecked")
    static StagedDocument fromJson(Map<String, Object> m) {
        return new StagedDocument(new TargetPath((String) m.get("path")), (String) m.get("sha256"),
                (Long) m.get("length"), DocumentMeta.fromCustom((Map<String, Object>) m.get("meta")));
    }
}
