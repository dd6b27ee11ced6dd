package org.samizdat.server;

import org.samizdat.server.ReaderPages.Page;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.TargetPath;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.ReleaseInfo;
import org.samizdat.repo.ReleaseTorrent;
import org.samizdat.search.TextExtractor;
import org.samizdat.tuf.TufException;

/** The pages of the archive itself: home, the releases, one release, one document, and the Atom feed of releases. */
final class ArchivePages extends PageGroup {
    static final int RELEASE_PAGE = 100;
    static final int MAX_TEXT_SHOWN = 300_000;
    /** Metadata fields whose values link to the search filtered by them. */
    private static final Map<String, String> LINKED_FIELDS = Map.of("tags", "tag", "origin", "origin",
            "classification", "classification");

    ArchivePages(Context c) {
        super(c);
    }

    Page home(String base) throws IOException, TufException {
        Map<String, Object> m = model(base);
        Catalog c = catalogs.get();
        if (c == null) {
            m.put("empty", true);
        } else {
            List<ReleaseInfo> infos = infos(c);
            m.put("documents", String.format(Locale.ROOT, "%,d", infos.stream().mapToLong(ReleaseInfo::documents).sum()));
            m.put("releaseCount", infos.size());
            m.put("version", c.version());
            m.put("latest", infos.reversed().stream().limit(5).toList());
            m.put("fingerprintGrouped", org.samizdat.tuf.RootFingerprint.parse(c.rootFingerprint()).grouped("\n"));
            m.put("searchState", sources.indexer() == null ? "ready" : sources.indexer().index().state());
            m.put("copies", String.format(Locale.ROOT, "%,d", c.mirrorList().mirrors().size()));
        }
        return Page.html(200, templates.render("home", m));
    }

    Page releases(String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        Map<String, Object> m = model(base);
        m.put("releases", infos(c).reversed());
        return Page.html(200, templates.render("releases", m));
    }

    Page release(String id, Map<String, List<String>> params, String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        if (!c.releaseIds().contains(id)) {
            return error(404, "No such release", "This archive has no release called \"" + id + "\". See the list of releases.");
        }
        Catalog.Release r = c.release(id);
        int pages = Math.max(1, (r.documents().size() + RELEASE_PAGE - 1) / RELEASE_PAGE);
        int page = Math.min(pages, pageParam(params));
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Catalog.Entry e : r.documents().subList((page - 1) * RELEASE_PAGE, Math.min(r.documents().size(), page * RELEASE_PAGE))) {
            docs.add(Map.of("path", e.path(), "name", e.path().substring(id.length() + 1), "date", e.meta().date(),
                    "title", e.meta().title()));
        }
        Map<String, Object> m = model(base);
        m.put("release", r.info());
        m.put("docs", docs);
        List<Map<String, Object>> gone = new ArrayList<>();
        for (Catalog.Entry e : r.withdrawn()) {
            var notice = c.withdrawals().notices().get(e.path());
            gone.add(Map.of("path", e.path(), "name", e.path().substring(id.length() + 1),
                    "date", org.samizdat.tuf.TufTime.format(notice.date()).substring(0, 10), "reason", notice.reason()));
        }
        m.put("withdrawn", gone);
        Optional<Catalog.Entry> torrent = c.torrent(id);
        if (torrent.isPresent()) {
            Object infohash = torrent.get().file().custom() == null ? null : torrent.get().file().custom().get("infohash");
            Map<String, Object> t = new java.util.HashMap<>();
            t.put("href", "/releases/" + id + ".torrent");
            t.put("signed", "/targets/" + torrent.get().storedName());
            t.put("path", torrent.get().path());
            if (infohash instanceof String h && org.samizdat.archive.Hex.isLowerHex(h, 40)) {
                t.put("infohash", h);
                t.put("magnet", "magnet:?xt=urn:btih:" + h + "&dn=" + id + "&ws="
                        + java.net.URLEncoder.encode(base + ReleaseTorrent.SEED_PREFIX, java.nio.charset.StandardCharsets.UTF_8));
            }
            t.put("node", base);
            m.put("torrent", t);
        }
        Optional<org.samizdat.repo.SealedRelease> sealed = c.sealed(id);
        if (sealed.isPresent()) {
            org.samizdat.repo.SealedRelease s = sealed.get();
            Map<String, Object> sm = new java.util.HashMap<>();
            sm.put("bytes", String.format(java.util.Locale.ROOT, "%,d", s.ciphertext().length()));
            sm.put("ciphertext", "/" + s.ciphertextName());
            sm.put("file", id + ".tar.pgp");
            sm.put("keySha256", s.keySha256());
            sm.put("manifestSha256", s.manifestSha256());
            sm.put("opensAfter", s.opensAfter() == null ? "" : s.opensAfter());
            boolean opened = c.opened(id).isPresent();
            sm.put("opened", opened);
            if (opened) {
                sm.put("key", "/" + s.keyName());
                sm.put("manifest", "/" + s.manifestName());
            }
            m.put("sealed", sm);
        }
        pager(m, page, pages, "/releases/" + id + "?page=");
        return Page.html(200, templates.render("release", m));
    }

    Page document(String path, String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        Optional<Catalog.Entry> found = TargetPath.problem(path).isPresent() ? Optional.empty() : c.find(path);
        if (found.isEmpty()) {
            return error(404, "No such document", "The signed metadata of this archive lists no document at \"" + path + "\".");
        }
        Catalog.Entry e = found.get();
        var notice = c.withdrawals().notices().get(e.path());
        if (notice != null) {
            Map<String, Object> m = model(base);
            m.put("path", e.path());
            m.put("release", e.release());
            m.put("sha256", e.file().sha256());
            m.put("reason", notice.reason());
            m.put("date", org.samizdat.tuf.TufTime.format(notice.date()));
            return Page.html(410, templates.render("withdrawn", m));
        }
        DocumentMeta meta = e.meta();
        Map<String, Object> m = model(base);
        m.put("path", e.path());
        m.put("release", e.release());
        m.put("sha256", e.file().sha256());
        m.put("length", String.format(Locale.ROOT, "%,d", e.file().length()));
        m.put("type", meta.contentType().isEmpty() ? "unknown type" : meta.contentType());
        m.put("raw", "/targets/" + e.storedName());
        m.put("date", meta.date());
        m.put("year", meta.date().length() >= 4 ? meta.date().substring(0, 4) : "");
        m.put("fields", fields(meta));
        m.put("mirrors", otherMirrors(base));
        String title = meta.title();
        Optional<byte[]> bytes = c.read(e);
        if (bytes.isEmpty()) {
            m.put("textProblem", "This node does not hold a verified copy of this document right now; try a mirror below.");
        } else {
            try {
                TextExtractor.Extracted x = TextExtractor.extract(bytes.get(), meta.contentType());
                if (title.isEmpty()) {
                    title = x.title();
                }
                String text = x.text();
                if (text.isBlank()) {
                    m.put("textProblem", "This document has no text to show here; open the raw file.");
                } else if (text.length() > MAX_TEXT_SHOWN) {
                    m.put("text", text.substring(0, MAX_TEXT_SHOWN));
                    m.put("cut", true);
                    m.put("shown", String.format(Locale.ROOT, "%,d", MAX_TEXT_SHOWN));
                } else {
                    m.put("text", text);
                }
            } catch (TextExtractor.Failure f) {
                m.put("textProblem", "Its text could not be extracted (" + f.getMessage() + "); the raw file is intact and verified.");
            }
        }
        m.put("title", title.isEmpty() ? e.path().substring(e.path().lastIndexOf('/') + 1) : title);
        return Page.html(200, templates.render("doc", m));
    }

    private static List<Map<String, Object>> fields(DocumentMeta meta) {
        List<Map<String, Object>> rows = new ArrayList<>();
        meta.fields().forEach((name, value) -> {
            List<String> values = value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(value));
            String dim = LINKED_FIELDS.get(name);
            List<Map<String, String>> shown = new ArrayList<>();
            for (String v : values) {
                shown.add(dim == null ? Map.of("text", v) : Map.of("text", v, "href", "/search?" + dim + "=" + enc(v)));
            }
            String label = name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1).replace('_', ' ');
            rows.add(Map.of("name", label, "values", shown));
        });
        return rows;
    }

    Page feed(String base) throws IOException, TufException {
        Catalog c = catalogs.get();
        if (c == null) {
            return notYet();
        }
        Map<String, Object> m = model(base);
        List<ReleaseInfo> infos = infos(c).reversed();
        m.put("releases", infos);
        m.put("updated", infos.isEmpty() ? "1970-01-01T00:00:00Z" : infos.getFirst().published());
        return new Page(200, "application/atom+xml; charset=utf-8", templates.render("feed", m), "no-cache");
    }

}
