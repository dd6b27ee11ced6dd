package org.samizdat.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.tuf.TargetFile;

/**
 * The plaintext manifest of a sealed release ({@code rNNNN/_sealed.json}, docs/FORMAT.md section
 * 6): canonical JSON listing every document's target path, length, sha256 and signed metadata, in
 * byte order of the paths, with a random salt so that nobody can confirm a guessed manifest
 * against the signed commitment (its sha256) before opening. It is the first file inside the
 * ciphertext; once opened, each document is checked against it as against a signed target.
 */
public record SealedManifest(String release, String salt, List<Document> documents) {
    /** At most this many documents in one sealed release (as in an ordinary release: 2^16 bins of 512). */
    public static final int MAX_DOCUMENTS = 1 << 24;
    /** At most this many bytes of manifest, read into memory when opening. */
    public static final int MAX_BYTES = 512 << 20;

    /** One sealed document: what a release role would have listed for it. */
    public record Document(String path, long length, String sha256, Map<String, Object> custom) {
        /** The target this document would be in an ordinary release. */
        public TargetFile target() {
            return new TargetFile(length, sha256, custom);
        }

        /** Its stored name under {@code targets/}, as any document's. */
        public String storedName() {
            return new TargetPath(path).hashedName(sha256);
        }
    }

    public SealedManifest {
        documents = List.copyOf(documents);
    }

    public byte[] encode() {
        List<Object> docs = new ArrayList<>(documents.size());
        for (Document d : documents) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("custom", d.custom());
            m.put("length", d.length());
            m.put("path", d.path());
            m.put("sha256", d.sha256());
            docs.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("documents", docs);
        m.put("release", release);
        m.put("salt", salt);
        return CanonicalJson.encode(m);
    }

    /**
     * Reads a manifest strictly: canonical JSON only (the bytes are what was committed to), paths
     * valid, under the release, unique and in byte order, none of the release's own file names,
     * each document's metadata valid and naming the release.
     */
    @SuppressWarnings("unchecked")
    public static SealedManifest parse(String release, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("the sealed manifest is larger than " + MAX_BYTES + " bytes");
        }
        Map<String, Object> m = Json.parseObject(bytes);
        if (!Arrays.equals(CanonicalJson.encode(m), bytes)) {
            throw new IllegalArgumentException("the sealed manifest is not canonical JSON");
        }
        if (!release.equals(m.get("release")) || !(m.get("salt") instanceof String salt) || !Hex.isLowerHex(salt, 64)
                || !(m.get("documents") instanceof List<?> list) || m.size() != 3) {
            throw new IllegalArgumentException("the sealed manifest must hold exactly documents, release \"" + release
                    + "\" and a 64-hex-digit salt");
        }
        if (list.size() > MAX_DOCUMENTS) {
            throw new IllegalArgumentException("the sealed manifest lists more than " + MAX_DOCUMENTS + " documents");
        }
        List<Document> docs = new ArrayList<>(list.size());
        String previous = null;
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> d) || d.size() != 4 || !(d.get("path") instanceof String path)
                    || !(d.get("length") instanceof Long length) || length < 0
                    || !(d.get("sha256") instanceof String sha) || !Hex.isLowerHex(sha, Sha256.HEX_LENGTH)
                    || !(d.get("custom") instanceof Map<?, ?> custom)) {
                throw new IllegalArgumentException("the sealed manifest has a document without exactly path, length, sha256"
                        + " and custom: " + o);
            }
            TargetPath.problem(path).ifPresent(p -> {
                throw new IllegalArgumentException("the sealed manifest lists \"" + path + "\", which " + p);
            });
            if (!path.startsWith(release + "/") || ReleaseInfo.isReleaseFile(path) || isOwnFile(path)) {
                throw new IllegalArgumentException("the sealed manifest lists \"" + path + "\", which is no document path of "
                        + release);
            }
            if (previous != null && previous.compareTo(path) >= 0) {
                throw new IllegalArgumentException("the sealed manifest's paths are not unique and in byte order at \"" + path + "\"");
            }
            previous = path;
            DocumentMeta.fromCustom((Map<String, Object>) custom); // valid metadata, or refused here
            if (!release.equals(custom.get("release"))) {
                throw new IllegalArgumentException("the sealed manifest's entry for " + path + " names release "
                        + custom.get("release"));
            }
            docs.add(new Document(path, length, sha, (Map<String, Object>) custom));
        }
        return new SealedManifest(release, salt, docs);
    }

    /** Whether a path is one of the sealed release's own files (ciphertext, manifest, key), never a document. */
    static boolean isOwnFile(String path) {
        int slash = path.indexOf('/');
        String name = path.substring(slash + 1);
        return name.equals(SealedRelease.CIPHERTEXT) || name.equals(SealedRelease.MANIFEST) || name.equals(SealedRelease.KEY);
    }

    /** The document at a target path (the list is in byte order of paths, so this is a binary search). */
    public java.util.Optional<Document> find(String path) {
        int lo = 0;
        int hi = documents.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = documents.get(mid).path().compareTo(path);
            if (c == 0) {
                return java.util.Optional.of(documents.get(mid));
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return java.util.Optional.empty();
    }

    /** The total bytes of the documents. */
    public long bytes() {
        long n = 0;
        for (Document d : documents) {
            n += d.length();
        }
        return n;
    }
}
