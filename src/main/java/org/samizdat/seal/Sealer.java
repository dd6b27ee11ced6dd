package org.samizdat.seal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.archive.TargetPath;
import org.samizdat.repo.ReleaseContent;
import org.samizdat.repo.SealedManifest;
import org.samizdat.repo.SealedRelease;
import org.samizdat.repo.StagedDocument;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TargetFile;
import org.samizdat.work.Progress;

/**
 * Seals a batch: makes (or, after a crash, reuses) the release's key, writes it for the publisher
 * ({@code private/sealed/rNNNN.key}) and, when asked, its Shamir shares, all durably before any
 * ciphertext exists; then streams the manifest and documents through tar and OpenPGP into one
 * file, hashing it as it is written, and gives the release its one content target,
 * {@code rNNNN/_sealed.pgp}, whose {@code custom} carries the commitments.
 */
public final class Sealer implements ReleaseContent {
    /** Where the key and shares go, and what the release promises. */
    public record Options(Path keysDir, Path sharesDir, int threshold, int shares, String opensAfter) {
        public Options {
            if (shares != 0 && (threshold < 2 || shares < threshold || shares > KeyShares.MAX_SHARES)) {
                throw new IllegalArgumentException("--shares K-of-N needs 2 <= K <= N <= " + KeyShares.MAX_SHARES);
            }
            if (shares != 0 && sharesDir == null) {
                throw new IllegalArgumentException("shares need a directory to be written to");
            }
        }
    }

    /** What was sealed: the release, its key file and share files, and the ciphertext's size. */
    public record Sealed(String release, String keySha256, Path keyFile, List<Path> shareFiles, long ciphertextBytes,
                         long plaintextDocuments) {
    }

    private final Options options;
    private final SecureRandom random;
    private final Progress progress;
    /** Test hook: what goes into the ciphertext in place of a document, or null for its own bytes (a lying publisher). */
    private final Function<SealedManifest.Document, Path> substitute;
    private volatile Sealed sealed;

    public Sealer(Options options, SecureRandom random, Progress progress) {
        this(options, random, progress, null);
    }

    Sealer(Options options, SecureRandom random, Progress progress, Function<SealedManifest.Document, Path> substitute) {
        this.options = options;
        this.random = random;
        this.progress = progress;
        this.substitute = substitute;
    }

    /** What the last {@link #write} sealed, or null. */
    public Sealed sealed() {
        return sealed;
    }

    @Override
    public Map<String, TargetFile> write(FileStore pub, String release, List<StagedDocument> documents,
                                         Function<StagedDocument, Path> contentOf) throws IOException {
        String key = key(release);
        String keySha = Sha256.hex(key.getBytes(StandardCharsets.US_ASCII));
        List<Path> shareFiles = options.shares() == 0 ? List.of() : writeShares(release, key);

        // the manifest: what a release role would list for each document, in path order, salted
        Map<String, SealedManifest.Document> byPath = new TreeMap<>();
        Map<String, Path> content = new HashMap<>();
        for (StagedDocument d : documents) {
            String path = d.path().under(release).value();
            byPath.put(path, new SealedManifest.Document(path, d.length(), d.sha256(), d.meta().toCustom(release)));
            content.put(path, contentOf.apply(d));
        }
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        SealedManifest manifest = new SealedManifest(release, Hex.encode(salt), new ArrayList<>(byPath.values()));
        byte[] manifestBytes = manifest.encode();

        // the ciphertext, hashed as written, durable before it is named
        String path = SealedRelease.ciphertextPath(release);
        Path dir = pub.path("targets/" + release + "/x").getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FileStore.TEMP_PREFIX + Long.toHexString(random.nextLong()) + "-" + SealedRelease.CIPHERTEXT);
        MessageDigest sha = Sha256.newDigest();
        long total = manifest.bytes();
        long[] done = {0};
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            CountingOut counted = new CountingOut(new DigestOutputStream(Channels.newOutputStream(ch), sha));
            OutputStream buffered = new BufferedOutputStream(counted, 1 << 16);
            // two stages, a core each: reading the documents into the tar; encrypting and hashing it
            ChunkPipe pipe = new ChunkPipe();
            Thread tarring = Thread.ofPlatform().daemon().name("samizdat-sealing-tar").start(() -> {
                try {
                    SealedTar.write(pipe.out, manifest, manifestBytes, d -> {
                        done[0] += d.length();
                        progress.update("sealing", done[0], total);
                        Path other = substitute == null ? null : substitute.apply(d);
                        return other != null ? other : content.get(d.path());
                    });
                    pipe.out.close();
                } catch (IOException e) {
                    pipe.fail(e);
                } catch (RuntimeException e) {
                    pipe.fail(new IOException(e.getMessage(), e));
                    throw e;
                }
            });
            try (OutputStream plain = OpenPgp.encrypt(buffered, key, release + ".tar", random); InputStream tar = pipe.in) {
                tar.transferTo(plain);
            } finally {
                try {
                    tarring.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            buffered.flush(); // not closed: that would close the channel before it is forced
            ch.force(true);
            String hash = Hex.encode(sha.digest());
            Files.move(tmp, pub.path("targets/" + new TargetPath(path).hashedName(hash)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            FileStore.syncDirectories(List.of(dir));
            sealed = new Sealed(release, keySha, options.keysDir().resolve(release + ".key"), shareFiles, counted.count,
                    documents.size());
            return Map.of(path, new TargetFile(counted.count, hash,
                    SealedRelease.custom(release, keySha, Sha256.hex(manifestBytes), options.opensAfter())));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The release's key: the one an interrupted seal of this batch already wrote, or a new one written durably now. */
    private String key(String release) throws IOException {
        Path file = options.keysDir().resolve(release + ".key");
        if (Files.exists(file)) {
            return SealedRelease.keyText(Files.readString(file, StandardCharsets.US_ASCII))
                    .orElseThrow(() -> new IOException(file + " is not a key (64 hex digits); it was damaged"));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = Hex.encode(secret);
        Files.createDirectories(options.keysDir());
        new FileStore(options.keysDir()).put(release + ".key", (key + "\n").getBytes(StandardCharsets.US_ASCII));
        return key;
    }

    private List<Path> writeShares(String release, String key) throws IOException {
        Files.createDirectories(options.sharesDir());
        FileStore out = new FileStore(options.sharesDir());
        List<Path> files = new ArrayList<>();
        for (KeyShares.Share s : KeyShares.split(release, key, options.threshold(), options.shares(), random)) {
            String name = release + ".share-" + s.index() + "-of-" + s.count() + ".json";
            out.put(name, s.toBytes());
            files.add(out.path(name));
        }
        return files;
    }

    private static final class CountingOut extends java.io.FilterOutputStream {
        long count;

        CountingOut(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
