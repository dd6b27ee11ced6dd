package org.samizdat.repo;

import org.samizdat.work.Progress;
import org.samizdat.work.Parallel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;

/**
 * The staging area under {@code private/staging/}: content copied in, hashed and its header
 * lines read in one read of each source at {@code add} ({@code objects/<sha256>}), and an append-only index ({@code index.jsonl}) that
 * survives restarts. A publish moves the index aside as {@code batch.jsonl} so that documents
 * added while it runs wait for the next release.
 */
public final class Staging {
    static final String INDEX = "index.jsonl";
    static final String BATCH = "batch.jsonl";
    static final String BATCH_INFO = "batch.json";
    private final Path dir;

    public Staging(Path dir) {
        this.dir = dir;
    }

    /** A file to stage, with its path in the release and its metadata. */
    public record Item(Path source, StagedDocument.Draft draft) {
    }

    Path objects() {
        return dir.resolve("objects");
    }

    Path object(String sha256) {
        return objects().resolve(sha256);
    }

    /**
     * Threads that copy documents in: more than the cores, because each document costs several
     * file-system calls (open, fsync, rename) that wait on the kernel rather than use a CPU.
     */
    static final int THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

    /**
     * Copies and hashes every item under a temporary name, makes them all durable at once (one
     * {@code syncfs}, else an fsync each), and only then renames each into place (so a named
     * object is always complete), then appends them all to the index in one durable write.
     */
    public List<StagedDocument> add(List<Item> items, Progress progress) throws IOException {
        Files.createDirectories(objects());
        List<Copied> copied = new ArrayList<>();
        try {
            copied.addAll(Parallel.map(items, THREADS, "staging", progress, this::copyIn));
            if (!org.samizdat.store.FileStore.syncFileSystem(objects())) {
                Parallel.map(copied, THREADS, "syncing", Progress.NONE, c -> {
                    try (FileChannel ch = FileChannel.open(c.tmp(), StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    return null;
                });
            }
            // content-addressed: an object already there under this name has these very bytes, so replacing it is harmless
            Parallel.map(copied, THREADS, "naming", progress, c -> {
                Files.move(c.tmp(), object(c.doc().sha256()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // the copies not yet named (the publisher's lock keeps any other add out meanwhile)
            try (var left = Files.list(objects())) {
                for (Path p : left.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            throw e;
        }
        org.samizdat.store.FileStore.syncDirectories(List.of(objects()));
        List<StagedDocument> staged = copied.stream().map(Copied::doc).toList();
        append(staged);
        return staged;
    }

    /** A document copied under a temporary name, not yet durable or named. */
    private record Copied(Path tmp, StagedDocument doc) {
    }

    /**
     * Each thread's buffer: a chunk the size of the head that header lines are read from, so the
     * first chunk of a document is its head.
     */
    private static final ThreadLocal<ByteBuffer> CHUNK = ThreadLocal.withInitial(() -> ByteBuffer.allocate(Intake.HEADER_BYTES));

    /**
     * Copies one document in with a single read of its source: the same chunks are hashed,
     * written to the copy and, for the first, read for header lines.
     */
    private Copied copyIn(Item item) throws IOException {
        Path tmp = objects().resolve(".tmp-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        MessageDigest md = Sha256.newDigest();
        ByteBuffer buf = CHUNK.get();
        byte[] head = null;
        long length = 0;
        try (FileChannel in = FileChannel.open(item.source(), StandardOpenOption.READ);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (boolean end = false; !end; ) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (in.read(buf) < 0) {
                        end = true;
                        break;
                    }
                }
                buf.flip();
                int n = buf.remaining();
                if (head == null) {
                    head = item.draft().headers() ? Arrays.copyOf(buf.array(), n) : new byte[0];
                }
                md.update(buf.array(), 0, n);
                length += n;
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(item.source() + ": cannot stage: " + e.getMessage(), e);
        }
        DocumentMeta meta = item.draft().meta();
        if (item.draft().headers()) {
            try {
                meta = DocumentMeta.fromTextHeaders(head, meta.contentType());
            } catch (IllegalArgumentException e) {
                // header lines are cut to the limits metadata allows, so this is not expected; but never stage bad metadata
                throw new IOException(item.source() + ": bad metadata: " + e.getMessage(), e);
            }
        }
        return new Copied(tmp, new StagedDocument(item.draft().path(), Hex.encode(md.digest()), length, meta));
    }

    private void append(List<StagedDocument> docs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (StagedDocument d : docs) {
            sb.append(new String(Json.write(d.toJson()), StandardCharsets.UTF_8)).append('\n');
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            var buf = java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** The staged documents waiting for the next publish (later entries for a path replace earlier ones). */
    public List<StagedDocument> pending() throws IOException {
        return read(dir.resolve(INDEX));
    }

    /**
     * Whether anything waits for the next publish, from the index's first line alone: every add
     * appends whole lines, so only a lone line torn by a killed add means nothing is staged.
     */
    boolean hasPending() throws IOException {
        Path file = dir.resolve(INDEX);
        if (!Files.exists(file)) {
            return false;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    StagedDocument.fromJson(Json.parseObject(line.getBytes(StandardCharsets.UTF_8)));
                    return true;
                } catch (RuntimeException e) {
                    return !read(file).isEmpty(); // damage beyond a torn last line is reported there
                }
            }
        }
        return false;
    }

    static List<StagedDocument> read(Path file) throws IOException {
        Map<String, StagedDocument> byPath = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                StagedDocument d = StagedDocument.fromJson(Json.parseObject(line.getBytes(StandardCharsets.UTF_8)));
                byPath.remove(d.path().value());
                byPath.put(d.path().value(), d);
            } catch (RuntimeException e) {
                // a torn last line from a killed add is expected; anything else is damage
                if (i != lines.size() - 1) {
                    throw new IOException(file + " line " + (i + 1) + " is damaged: " + e.getMessage());
                }
            }
        }
        return new ArrayList<>(byPath.values());
    }

    Path dir() {
        return dir;
    }
}
