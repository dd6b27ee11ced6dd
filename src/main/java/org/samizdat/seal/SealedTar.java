package org.samizdat.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Sha256;
import org.samizdat.repo.SealedManifest;
import org.samizdat.repo.SealedRelease;

/**
 * The plaintext of a sealed release (docs/FORMAT.md section 6): a POSIX tar (pax headers for long
 * paths) whose first file is the manifest {@code rNNNN/_sealed.json} and whose other files are
 * the documents under their target paths, in the manifest's order, so that
 * {@code gpg --decrypt | tar x} gives the release as a directory. Reading checks the manifest
 * against its commitment and each document against the manifest, and accepts nothing else.
 */
final class SealedTar {
    private static final int COPY = 1 << 16;

    private SealedTar() {
    }

    /** Writes the manifest, then each document from where {@code contentOf} says its bytes are. */
    static void write(OutputStream out, SealedManifest manifest, byte[] manifestBytes,
                      java.util.function.Function<SealedManifest.Document, Path> contentOf) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        entry(tar, manifest.release() + "/" + SealedRelease.MANIFEST, manifestBytes.length);
        tar.write(manifestBytes);
        tar.closeArchiveEntry();
        byte[] buf = new byte[COPY];
        for (SealedManifest.Document d : manifest.documents()) {
            entry(tar, d.path(), d.length());
            try (InputStream in = Files.newInputStream(contentOf.apply(d))) {
                long copied = 0;
                for (int n; (n = in.read(buf)) > 0; copied += n) {
                    tar.write(buf, 0, n);
                }
                if (copied != d.length()) {
                    throw new IOException("the staged content of " + d.path() + " changed size (" + copied + " bytes, "
                            + d.length() + " staged); add it again");
                }
            }
            tar.closeArchiveEntry();
        }
        tar.finish(); // not close: the caller closes the encrypting stream
    }

    private static void entry(TarArchiveOutputStream tar, String name, long size) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100644);
        e.setModTime(0);
        tar.putArchiveEntry(e);
    }

    /** Receives each document as it is read; must read {@code content} to its end. */
    interface Sink {
        void document(SealedManifest.Document doc, InputStream content) throws IOException;
    }

    /**
     * Reads a plaintext: its manifest must be the committed one ({@link SealedRelease#manifest}), then every document it
     * lists must follow, in order, with its exact length and sha256, and nothing else. Each
     * document's bytes go to {@code sink} as they are read; its hash is checked once the sink has
     * read it, so a sink must not make them visible before this returns.
     */
    static SealedManifest read(InputStream plaintext, SealedRelease sealed, Sink sink) throws IOException {
        String release = sealed.id();
        // the tar reads 512-byte records: from a buffer, not through the whole decrypting stack each time
        TarArchiveInputStream tar = new TarArchiveInputStream(new java.io.BufferedInputStream(plaintext, 1 << 16), "UTF-8");
        TarArchiveEntry first = tar.getNextEntry();
        String manifestPath = release + "/" + SealedRelease.MANIFEST;
        if (first == null || !first.isFile() || !first.getName().equals(manifestPath)
                || first.getSize() > SealedManifest.MAX_BYTES) {
            throw new OpeningRefused("the plaintext does not start with " + manifestPath);
        }
        byte[] manifestBytes = tar.readNBytes((int) first.getSize());
        if (manifestBytes.length != first.getSize()) {
            throw new OpeningRefused("the plaintext ends inside " + manifestPath);
        }
        SealedManifest manifest;
        try {
            manifest = sealed.manifest(manifestBytes);
        } catch (IllegalArgumentException e) {
            throw new OpeningRefused(e.getMessage());
        }
        for (SealedManifest.Document d : manifest.documents()) {
            TarArchiveEntry e = tar.getNextEntry();
            if (e == null) {
                throw new OpeningRefused("the plaintext ends before " + d.path() + ", which the committed manifest lists");
            }
            if (!e.isFile() || !e.getName().equals(d.path()) || e.getSize() != d.length()) {
                throw new OpeningRefused("the plaintext holds " + describe(e) + " where the committed manifest lists "
                        + d.path() + " (" + d.length() + " bytes)");
            }
            MessageDigest sha = Sha256.newDigest();
            CountingStream counted = new CountingStream(new DigestInputStream(tar, sha));
            sink.document(d, counted);
            if (counted.read(new byte[1]) >= 0 || counted.count != d.length()) {
                throw new IOException("internal: the sink did not read " + d.path() + " to its end");
            }
            String got = Hex.encode(sha.digest());
            if (!got.equals(d.sha256())) {
                throw new OpeningRefused(d.path() + " inside the ciphertext is not the committed document (sha256 " + got
                        + ", committed " + d.sha256() + ")");
            }
        }
        TarArchiveEntry extra = tar.getNextEntry();
        if (extra != null) {
            throw new OpeningRefused("the plaintext holds " + describe(extra) + ", which the committed manifest does not list");
        }
        return manifest;
    }

    private static String describe(TarArchiveEntry e) {
        return (e.isFile() ? "" : "a non-file entry ") + "\"" + e.getName().replaceAll("[^\\x20-\\x7e]", "?") + "\" ("
                + e.getSize() + " bytes)";
    }

    /** Counts what is read and stops at the current tar entry's end. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
