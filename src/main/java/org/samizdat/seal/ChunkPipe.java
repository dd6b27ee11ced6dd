package org.samizdat.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Bytes handed from one thread to another in 64 KiB chunks through a bounded queue, so that two
 * stages of a stream (decrypting and reading the tar, or writing the tar and encrypting it) each
 * get a core. The writer's failure reaches the reader as an {@link IOException}, and the reader
 * closing early makes the writer fail rather than block.
 */
final class ChunkPipe {
    private static final int CHUNK = 1 << 16;
    private static final byte[] END = new byte[0];
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(64);
    private volatile IOException failure;
    private volatile boolean readerGone;

    /** The writing end: close it when done, or {@link #fail} it. */
    final OutputStream out = new OutputStream() {
        private byte[] buf = new byte[CHUNK];
        private int n;

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                flushChunk();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) {
                    flushChunk();
                }
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        private void flushChunk() throws IOException {
            if (n > 0) {
                put(java.util.Arrays.copyOf(buf, n));
                n = 0;
            }
        }

        @Override
        public void close() throws IOException {
            flushChunk();
            put(END);
        }
    };

    /** The reading end. */
    final InputStream in = new InputStream() {
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == chunk.length) {
                if (ended) {
                    return -1;
                }
                try {
                    chunk = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                pos = 0;
                if (chunk == END) {
                    ended = true;
                    if (failure != null) {
                        throw failure; // as the writer met it (an OpeningRefused stays one)
                    }
                    return -1;
                }
            }
            int k = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, k);
            pos += k;
            return k;
        }

        @Override
        public void close() {
            readerGone = true;
            queue.clear();
        }
    };

    private void put(byte[] chunk) throws IOException {
        try {
            while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (readerGone) {
                    throw new IOException("the reading side stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Ends the stream with a failure the reader sees after the bytes already written. */
    void fail(IOException e) {
        failure = e;
        try {
            put(END);
        } catch (IOException readerGone) {
            // nobody is reading any more
        }
    }
}
