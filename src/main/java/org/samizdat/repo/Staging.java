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
import org.samizdat.store.FileStore;

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

    /** Where archives staged before packs keep their content, by sha256. */
    Path objects() {
        return dir.resolve("objects");
    }

    /** One directory per {@code add}, its documents numbered in the order they were given. */
    Path packs() {
        return dir.resolve(PACKS);
    }

    static final String PACKS = "packs";

    /** Where a staged document's content is: its place in a pack, or (staged before packs) its sha256. */
    Path object(StagedDocument d) {
        return d.object() == null ? objects().resolve(d.sha256()) : dir.resolve(d.object());
    }

    /**
     * Threads that copy documents in: more than the cores, because each document costs several
     * file-system calls (open, read, write, close) that wait on the kernel rather than use a CPU.
     */
    static final int THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

    /**
     * Stages items under the archive's writer lock (so no publish moves the index or clears packs
     * meanwhile): each is copied into a new pack that has a temporary name, the pack is made
     * durable at once (one {@code syncfs}, else an fsync each), and only then named by one rename
     * (so a named pack is always complete), and the documents are appended to the index in one
     * durable write. One rename per add, where naming each copy took one per document.
     */
    public List<StagedDocument> add(List<Item> items, Progress progress) throws IOException {
        try (Publisher.Lock lock = Publisher.Lock.take(new ArchiveDir(dir.getParent().getParent()))) {
            return addLocked(items, progress);
        }
    }

    private List<StagedDocument> addLocked(List<Item> items, Progress progress) throws IOException {
        Files.createDirectories(packs());
        clearTemporaryPacks(); // left by a killed add: never named, so never in the index
        String pack = Long.toString(System.currentTimeMillis(), 36) + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16);
        Path tmp = packs().resolve(FileStore.TEMP_PREFIX + pack);
        Files.createDirectory(tmp);
        List<Integer> numbers = java.util.stream.IntStream.range(0, items.size()).boxed().toList();
        List<StagedDocument> staged;
        try {
            for (int f = 0; f < Math.min(FOLDERS, items.size()); f++) {
                Files.createDirectory(tmp.resolve(Integer.toString(f)));
            }
            staged = Parallel.map(numbers, THREADS, "staging", progress,
                    i -> copyIn(items.get(i), tmp.resolve(place(i)), PACKS + "/" + pack + "/" + place(i)));
            if (!FileStore.syncFileSystem(tmp)) {
                Parallel.map(numbers, THREADS, "syncing", Progress.NONE, i -> {
                    try (FileChannel ch = FileChannel.open(tmp.resolve(place(i)), StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    return null;
                });
                List<Path> folders = new ArrayList<>(List.of(tmp));
                for (int f = 0; f < Math.min(FOLDERS, items.size()); f++) {
                    folders.add(tmp.resolve(Integer.toString(f)));
                }
                FileStore.syncDirectories(folders);
            }
            Files.move(tmp, packs().resolve(pack), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        FileStore.syncDirectories(List.of(packs()));
        append(staged);
        return staged;
    }

    /**
     * A pack's documents are spread over this many folders: threads creating files in one folder
     * wait on its lock in turn (a kernel profile of a 50,000-document add showed a fifth of its
     * time spinning there), while consecutive documents, copied side by side, land in different ones.
     */
    static final int FOLDERS = 64;

    /** Document {@code i}'s place in its pack. */
    private static String place(int i) {
        return (i % FOLDERS) + "/" + i;
    }

    private void clearTemporaryPacks() throws IOException {
        try (var listed = Files.list(packs())) {
            for (Path p : listed.filter(p -> p.getFileName().toString().startsWith(FileStore.TEMP_PREFIX)).toList()) {
                deleteTree(p);
            }
        }
    }

    /** Deletes a pack: its folders and the copies left in them. */
    static void deleteTree(Path pack) throws IOException {
        if (!Files.isDirectory(pack)) {
            return;
        }
        List<Path> folders;
        try (var listed = Files.list(pack)) {
            folders = listed.toList();
        }
        // one folder per thread: unlinks in one folder wait on its lock in turn
        Parallel.map(folders, 4, "clearing staging", Progress.NONE, folder -> {
            if (Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (var listed = Files.list(folder)) {
                    for (Path f : listed.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            return Files.deleteIfExists(folder);
        });
        Files.deleteIfExists(pack);
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
    private StagedDocument copyIn(Item item, Path tmp, String object) throws IOException {
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
        return new StagedDocument(item.draft().path(), Hex.encode(md.digest()), length, meta, object);
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

    private static final int SLICE = 4096;

    static List<StagedDocument> read(Path file) throws IOException {
        Map<String, StagedDocument> byPath = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        // parsed on every core, a slice of lines each (250,000 lines took 8 s on one), then taken in order
        List<Integer> slices = java.util.stream.IntStream.range(0, (lines.size() + SLICE - 1) / SLICE).boxed().toList();
        List<Object[]> parsed = Parallel.map(slices, 0, "reading the staging index", Progress.NONE, slice -> {
            int from = slice * SLICE;
            Object[] out = new Object[Math.min(SLICE, lines.size() - from)];
            for (int i = 0; i < out.length; i++) {
                String line = lines.get(from + i);
                try {
                    out[i] = line.isBlank() ? null : StagedDocument.fromJson(Json.parseObject(line.getBytes(StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    out[i] = e;
                }
            }
            return out;
        });
        for (int i = 0; i < lines.size(); i++) {
            Object o = parsed.get(i / SLICE)[i % SLICE];
            if (o instanceof StagedDocument d) {
                byPath.remove(d.path().value());
                byPath.put(d.path().value(), d);
            } else if (o instanceof RuntimeException e && i != lines.size() - 1) {
                // a torn last line from a killed add is expected; anything else is damage
                throw new IOException(file + " line " + (i + 1) + " is damaged: " + e.getMessage());
            }
        }
        return new ArrayList<>(byPath.values());
    }

    Path dir() {
        return dir;
    }
}
