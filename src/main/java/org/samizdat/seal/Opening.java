package org.samizdat.seal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.stream.Stream;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.SealedManifest;
import org.samizdat.repo.SealedRelease;
import org.samizdat.repo.Withdrawals;
import org.samizdat.store.FileStore;
import org.samizdat.work.Progress;

/**
 * Opens one sealed release in a node's public tree with a key: checks the key against the signed
 * commitment (a sha256, so a wrong key costs nothing), decrypts the stored ciphertext while
 * checking its signed sha256, checks the manifest against its commitment and every document
 * against the manifest, writing each beside its stored name under a temporary name that is never
 * served ({@link OpenedFiles}). Only when everything matched are the documents renamed to their
 * stored names, then the manifest and, last, the key are stored under their committed hashes: the key's presence is
 * what "opened" means, so a node killed at any point either has not opened the release or has
 * opened all of it, and opening again finishes the job.
 */
public final class Opening {

    /** What an opening did. */
    public record Opened(String release, int documents, long bytes, boolean already, long millis) {
    }

    /** The ciphertext is not (yet) held here: keep the key and open when it arrives. */
    public static final class CiphertextMissing extends IOException {
        CiphertextMissing(String message) {
            super(message);
        }
    }

    private Opening() {
    }

    /**
     * Opens {@code sealed} in the tree at {@code publicDir} with {@code key} (its text, 64 hex digits).
     *
     * @param withdrawn documents withdrawn by the publisher: checked, never written
     * @throws OpeningRefused the key or the ciphertext's content is not what was committed; nothing is written
     * @throws CiphertextMissing this node does not hold the ciphertext yet
     */
    public static Opened open(Path publicDir, SealedRelease sealed, String key, Withdrawals withdrawn, Progress progress)
            throws IOException {
        long start = System.nanoTime();
        if (!sealed.opensWith(key)) {
            throw new OpeningRefused("this key is not " + sealed.id() + "'s: its sha256 is not the signed commitment "
                    + sealed.keySha256());
        }
        FileStore store = new FileStore(publicDir);
        if (store.exists(sealed.keyName())) {
            return new Opened(sealed.id(), 0, 0, true, 0);
        }
        Path ciphertext = store.path(sealed.ciphertextName());
        if (!Files.isRegularFile(ciphertext)) {
            throw new CiphertextMissing("this node does not hold " + sealed.id() + "'s ciphertext yet");
        }
        // the work directory marks an opening in progress; creating and removing it tells readers of the tree to look again
        Path work = publicDir.resolve(SealedRelease.OPENING_DIR).resolve(sealed.id());
        deleteTree(work);
        Files.createDirectories(work);
        OpenedFiles.clearLeftovers(store, sealed.id()); // what a killed opening left: it is redone from the start
        SealedManifest manifest;
        try (OpenedFiles files = new OpenedFiles(store)) {
            // two stages, a core each: reading, hashing and decrypting the ciphertext; reading the tar and checking each document
            MessageDigest cipherSha = Sha256.newDigest();
            long[] cipherBytes = {0};
            ChunkPipe pipe = new ChunkPipe();
            Thread decrypting = Thread.ofPlatform().daemon().name("samizdat-opening-decrypt").start(() -> {
                try (InputStream raw = Files.newInputStream(ciphertext);
                     InputStream hashed = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), cipherSha) {
                         @Override
                         public int read(byte[] b, int off, int len) throws IOException {
                             int n = super.read(b, off, len);
                             cipherBytes[0] += Math.max(0, n);
                             return n;
                         }

                         @Override
                         public int read() throws IOException {
                             int c = super.read();
                             cipherBytes[0] += c < 0 ? 0 : 1;
                             return c;
                         }
                     }) {
                    InputStream plain;
                    try {
                        plain = OpenPgp.decrypt(hashed, key);
                    } catch (IOException e) {
                        throw new OpeningRefused("the committed key does not open the ciphertext: " + e.getMessage(), e);
                    }
                    // the whole literal packet, then the integrity check (MDC) at its end, then the ciphertext's own hash
                    plain.transferTo(pipe.out);
                    hashed.transferTo(OutputStream.nullOutputStream());
                    pipe.out.close();
                } catch (IOException e) {
                    pipe.fail(e);
                }
            });
            try (InputStream plain = pipe.in) {
                long total = sealed.ciphertext().length();
                manifest = SealedTar.read(plain, sealed, (doc, content) -> {
                    if (withdrawn.contains(doc.path())) {
                        content.transferTo(OutputStream.nullOutputStream());
                    } else {
                        files.add(doc, content);
                    }
                    progress.update("opening " + sealed.id(), cipherBytes[0], total);
                });
                plain.transferTo(OutputStream.nullOutputStream()); // to the end: the decrypting side's verdict comes last
            } catch (IOException e) {
                if (e instanceof OpeningRefused) {
                    throw e;
                }
                throw classify(e, ciphertext, sealed);
            } finally {
                try {
                    decrypting.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String got = Hex.encode(cipherSha.digest());
            if (!got.equals(sealed.ciphertext().sha256()) || cipherBytes[0] != sealed.ciphertext().length()) {
                throw new IOException("the stored ciphertext of " + sealed.id() + " is not the signed one (sha256 " + got
                        + "); it was damaged on this disk");
            }
            // every byte matched: the documents are made durable, then visible; then the manifest, and the key last
            files.commit();
            store.put(sealed.manifestName(), manifest.encode());
            store.put(sealed.keyName(), key.getBytes(StandardCharsets.US_ASCII));
        } catch (OpenedFiles.LocalFailure f) {
            throw org.samizdat.store.DiskFullException.classify((IOException) f.getCause(), ciphertext.getParent());
        } finally {
            deleteTree(work);
        }
        return new Opened(sealed.id(), manifest.documents().size(), manifest.bytes(), false,
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * A failure while reading: this node's own disk failing (a full disk) is reported as it is;
     * if the stored ciphertext is not the signed one, the disk holds bad bytes, and the next sync
     * fetches it again; otherwise the ciphertext, signed as it is, does not hold what was committed:
     * the publisher's doing, refused.
     */
    private static IOException classify(IOException e, Path ciphertext, SealedRelease sealed) {
        if (e instanceof OpenedFiles.LocalFailure f) {
            return org.samizdat.store.DiskFullException.classify((IOException) f.getCause(), ciphertext.getParent());
        }
        try (InputStream in = Files.newInputStream(ciphertext)) {
            MessageDigest sha = Sha256.newDigest();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            if (!Hex.encode(sha.digest()).equals(sealed.ciphertext().sha256())) {
                return new IOException("the stored ciphertext of " + sealed.id() + " is not the signed one: it was damaged"
                        + " on this disk (" + e.getMessage() + ")", e);
            }
        } catch (IOException unreadable) {
            return unreadable;
        }
        return new OpeningRefused("the ciphertext of " + sealed.id() + " does not hold what was committed: " + e.getMessage(), e);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException gone) {
                    // already removed
                }
            }
        }
    }
}
