package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufTime;

/**
 * The documents one publish is turning into a release. Opening a batch first records its release
 * id and title ({@code batch.json}), then moves the staging index aside ({@code batch.jsonl}), so a
 * publish killed at any point resumes the same release instead of starting another.
 */
final class Batch {
    private final String id;
    private final String title;
    private final Path file;

    private Batch(String id, String title, Path file) {
        this.id = id;
        this.title = title;
        this.file = file;
    }

    String id() {
        return id;
    }

    /** The interrupted batch, or a new one from the staging index, or null when nothing is staged. */
    static Batch open(Staging staging, Targets releases, String title) throws IOException {
        Path info = staging.dir().resolve(Staging.BATCH_INFO);
        Path batch = staging.dir().resolve(Staging.BATCH);
        Path index = staging.dir().resolve(Staging.INDEX);
        if (Files.exists(info)) {
            Map<String, Object> m = Json.parseObject(Files.readAllBytes(info));
            if (!Files.exists(batch)) {
                if (!Files.exists(index)) {
                    Files.delete(info);
                    return null;
                }
                Files.move(index, batch, StandardCopyOption.ATOMIC_MOVE);
            }
            return new Batch((String) m.get("id"), (String) m.get("title"), batch);
        }
        if (!staging.hasPending()) {
            return null;
        }
        String id = nextId(releases);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title == null || title.isBlank() ? "Release " + Integer.parseInt(id.substring(1)) : title);
        new FileStore(staging.dir()).put(Staging.BATCH_INFO, Json.write(m));
        Files.move(index, batch, StandardCopyOption.ATOMIC_MOVE);
        return new Batch(id, (String) m.get("title"), batch);
    }

    /** Release ids are {@code r0001}, {@code r0002}, ...: never integer-like, so tuf-js keeps their order. */
    static String nextId(Targets releases) {
        int max = 0;
        for (String name : releases.childNames()) {
            if (name.matches("r\\d+")) {
                max = Math.max(max, Integer.parseInt(name.substring(1)));
            }
        }
        return String.format("r%04d", max + 1);
    }

    List<StagedDocument> documents() throws IOException {
        return Staging.read(file);
    }

    /** The signed release manifest: id, title, publication time and document count. */
    byte[] manifest(int documents, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title);
        m.put("published", TufTime.format(now));
        m.put("documents", (long) documents);
        return CanonicalJson.encode(m);
    }

    /** A sealed release's manifest: id, title and publication time; the document count is sealed too. */
    byte[] sealedManifest(Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("title", title);
        m.put("published", TufTime.format(now));
        m.put("sealed", true);
        return CanonicalJson.encode(m);
    }

    /** Drops the batch and the staged content no later addition still needs. */
    void finish(Staging staging) throws IOException {
        finish(staging, Files.exists(file) ? documents() : List.of());
    }

    /** As {@link #finish(Staging)}, given the batch's documents already read. */
    void finish(Staging staging, List<StagedDocument> documents) throws IOException {
        List<StagedDocument> pending = staging.pending();
        Set<String> keep = new HashSet<>();
        Set<String> keepPacks = new HashSet<>();
        for (StagedDocument d : pending) {
            if (d.object() == null) {
                keep.add(d.sha256());
            } else {
                keepPacks.add(d.object().split("/")[1]);
            }
        }
        if (Files.exists(file)) {
            // content staged before packs, by sha256: an unlink costs about as much as a small write
            // here, so thousands go faster side by side
            List<StagedDocument> done = documents.stream().filter(d -> d.object() == null && !keep.contains(d.sha256())).toList();
            org.samizdat.work.Parallel.map(done, 4, "clearing staging", org.samizdat.work.Progress.NONE, d -> {
                Files.deleteIfExists(staging.object(d));
                return null;
            });
            // a pack no pending document is in holds only this batch's documents (placed, so
            // mostly moved out already) and ones a later add replaced
            if (Files.isDirectory(staging.packs())) {
                List<Path> packs;
                try (var listed = Files.list(staging.packs())) {
                    packs = listed.filter(p -> !p.getFileName().toString().startsWith(".")
                            && !keepPacks.contains(p.getFileName().toString())).toList();
                }
                for (Path pack : packs) {
                    Staging.deleteTree(pack);
                }
            }
            Files.delete(file);
        }
        Files.deleteIfExists(staging.dir().resolve(Staging.BATCH_INFO));
    }
}
