package org.samizdat.archive;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A BitTorrent v1 multi-file metainfo (BEP 3) with web seeds (BEP 19): the shape aria2 and
 * Transmission both complete from web seeds alone (a multi-file v2 hybrid needs padding files
 * aria2 cannot skip; docs/FORMAT.md section 6). The info dictionary holds only what the content
 * determines ({@code files}, {@code name}, {@code piece length}, {@code pieces}), so the same
 * documents always give the same infohash; {@code url-list} sits outside it, so naming other
 * mirrors changes the file but not the infohash.
 *
 * @param name       the top directory of the download (a release id), and the first segment of every web-seed URL path
 * @param files      in the order their bytes are concatenated into pieces
 * @param pieces     the concatenated 20-byte SHA-1 of each piece
 * @param urlList    web-seed base URLs, each ending in '/'
 */
public record Torrent(String name, long pieceLength, List<TorrentFile> files, byte[] pieces, List<String> urlList) {
    /** A torrent file is at most this large (a release of 100,000 documents makes about 6 MB). */
    public static final int MAX_BYTES = 64 << 20;
    /** At most this many files. */
    public static final int MAX_FILES = 1_000_000;
    private static final int SHA1 = 20;

    /** One file: its path below {@link #name} and its length. */
    public record TorrentFile(List<String> path, long length) {
        public TorrentFile {
            path = List.copyOf(path);
            if (path.isEmpty() || length < 0) {
                throw new IllegalArgumentException("a torrent file needs a path and a length of at least 0");
            }
            path.forEach(Torrent::checkSegment);
        }
    }

    public Torrent {
        checkSegment(name);
        files = List.copyOf(files);
        urlList = List.copyOf(urlList);
        if (pieceLength < 1 || files.isEmpty() || files.size() > MAX_FILES) {
            throw new IllegalArgumentException("a torrent needs a positive piece length and 1 to " + MAX_FILES + " files");
        }
        long total = files.stream().mapToLong(TorrentFile::length).sum();
        long count = (total + pieceLength - 1) / pieceLength;
        if (pieces.length != count * SHA1) {
            throw new IllegalArgumentException("a torrent of " + total + " bytes in pieces of " + pieceLength + " needs "
                    + count + " piece hashes, not " + pieces.length / (double) SHA1);
        }
        for (String u : urlList) {
            if (!(u.startsWith("http://") || u.startsWith("https://")) || !u.endsWith("/")) {
                throw new IllegalArgumentException("a web seed must be an http(s) URL ending in '/': " + u);
            }
        }
    }

    /** A file or directory name a client joins into a path on disk: never empty, '.', '..' or holding '/' or NUL. */
    private static void checkSegment(String s) {
        if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0
                || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a torrent path element \"" + s.replace("\0", "\\0")
                    + "\" is not a plain name");
        }
    }

    /**
     * A piece length for {@code total} bytes: a power of two from 32 KiB to 4 MiB giving at most
     * about 2,000 pieces, small enough that a bad piece from a lying seed costs little to fetch again.
     */
    public static long pieceLengthFor(long total) {
        long p = 32 << 10;
        while (p < (4 << 20) && total / p > 2000) {
            p <<= 1;
        }
        return p;
    }

    public long totalLength() {
        return files.stream().mapToLong(TorrentFile::length).sum();
    }

    public int pieceCount() {
        return pieces.length / SHA1;
    }

    /** The info dictionary, exactly as it is hashed. */
    public Map<String, Object> info() {
        Map<String, Object> info = new TreeMap<>();
        List<Object> list = new ArrayList<>(files.size());
        for (TorrentFile f : files) {
            Map<String, Object> entry = new TreeMap<>();
            entry.put("length", f.length());
            entry.put("path", f.path().stream().map(Bencode::string).map(b -> (Object) b).toList());
            list.add(entry);
        }
        info.put("files", list);
        info.put("name", Bencode.string(name));
        info.put("piece length", pieceLength);
        info.put("pieces", pieces.clone());
        return info;
    }

    /** BEP 3: the SHA-1 of the bencoded info dictionary. */
    public byte[] infoHash() {
        return sha1().digest(Bencode.encode(info()));
    }

    public String infoHashHex() {
        return Hex.encode(infoHash());
    }

    /** The .torrent file: {@code created by}, {@code info} and, when there are web seeds, {@code url-list}. */
    public byte[] encode() {
        return encoded().file();
    }

    /** A torrent's file and its infohash, from one encoding of the info dictionary. */
    public record Encoded(byte[] file, String infoHashHex) {
    }

    /** The file and the infohash together: a release's info dictionary lists every document, so encoding it twice shows. */
    public Encoded encoded() {
        byte[] info = Bencode.encode(info());
        Map<String, Object> top = new TreeMap<>();
        top.put(Bencode.key("created by"), Bencode.string("samizdat"));
        top.put("info", new Bencode.Raw(info));
        if (!urlList.isEmpty()) {
            top.put(Bencode.key("url-list"), urlList.stream().map(Bencode::string).map(b -> (Object) b).toList());
        }
        return new Encoded(Bencode.encode(top), Hex.encode(sha1().digest(info)));
    }

    /** The same content with other web seeds: same infohash, another file. */
    public Torrent withUrlList(List<String> seeds) {
        return new Torrent(name, pieceLength, files, pieces, seeds);
    }

    /**
     * A magnet link (BEP 9): the infohash and the name, and the web seeds as {@code ws} (a de-facto
     * extension some clients read). A magnet alone needs peers or the DHT to get the info
     * dictionary, so readers are offered the .torrent beside it.
     */
    public String magnet() {
        StringBuilder b = new StringBuilder("magnet:?xt=urn:btih:").append(infoHashHex()).append("&dn=")
                .append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8));
        for (String u : urlList) {
            b.append("&ws=").append(java.net.URLEncoder.encode(u, StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    /** Reads a v1 multi-file torrent, refusing anything non-canonical, oversized or not of that shape. */
    public static Torrent parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("a torrent of " + bytes.length + " bytes is larger than " + MAX_BYTES);
        }
        if (!(Bencode.decode(bytes) instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException("a torrent must be a dictionary");
        }
        if (!(top.get("info") instanceof Map<?, ?> info)) {
            throw new IllegalArgumentException("a torrent needs an info dictionary");
        }
        for (Object k : info.keySet()) {
            // the infohash is computed from the fields read; another key would be silently dropped from it
            if (!List.of("files", "name", "piece length", "pieces").contains(k)) {
                throw new IllegalArgumentException("a torrent's info has a key this reader does not know: " + k);
            }
        }
        if (!(info.get("files") instanceof List<?> fileList)) {
            throw new IllegalArgumentException("not a multi-file torrent (no info.files)");
        }
        List<TorrentFile> files = new ArrayList<>(fileList.size());
        for (Object o : fileList) {
            if (!(o instanceof Map<?, ?> f) || !(f.get("length") instanceof Long length)
                    || !(f.get("path") instanceof List<?> path)) {
                throw new IllegalArgumentException("a file entry needs a length and a path");
            }
            List<String> segments = new ArrayList<>();
            for (Object s : path) {
                if (!(s instanceof byte[] b)) {
                    throw new IllegalArgumentException("a path element must be a string");
                }
                segments.add(new String(b, StandardCharsets.UTF_8));
            }
            files.add(new TorrentFile(segments, length));
        }
        if (!(info.get("name") instanceof byte[] name) || !(info.get("piece length") instanceof Long pieceLength)
                || !(info.get("pieces") instanceof byte[] pieces)) {
            throw new IllegalArgumentException("a torrent's info needs name, piece length and pieces");
        }
        List<String> seeds = new ArrayList<>();
        Object urls = top.get("url-list");
        if (urls instanceof byte[] one) {
            seeds.add(new String(one, StandardCharsets.UTF_8));
        } else if (urls instanceof List<?> many) {
            for (Object u : many) {
                if (u instanceof byte[] b) {
                    seeds.add(new String(b, StandardCharsets.UTF_8));
                }
            }
        }
        return new Torrent(new String(name, StandardCharsets.UTF_8), pieceLength, files, pieces, seeds);
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Builds a torrent from files declared in order and their bytes streamed in the same order. */
    public static final class Builder {
        private final String name;
        private final long pieceLength;
        private final List<TorrentFile> files = new ArrayList<>();
        private final java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
        private final MessageDigest piece = sha1();
        private long inPiece;
        private long declared;
        private long fed;

        public Builder(String name, long pieceLength) {
            checkSegment(name);
            if (pieceLength < 1) {
                throw new IllegalArgumentException("piece length must be positive");
            }
            this.name = name;
            this.pieceLength = pieceLength;
        }

        /** Declares the next file; its bytes follow through {@link #update}. */
        public Builder file(List<String> path, long length) {
            files.add(new TorrentFile(path, length));
            declared += length;
            return this;
        }

        /** The next bytes of the concatenated files. */
        public void update(byte[] b, int off, int len) {
            fed += len;
            if (fed > declared) {
                throw new IllegalStateException("more bytes than the files declared so far (" + declared + ")");
            }
            while (len > 0) {
                int n = (int) Math.min(len, pieceLength - inPiece);
                piece.update(b, off, n);
                inPiece += n;
                off += n;
                len -= n;
                if (inPiece == pieceLength) {
                    pieces.writeBytes(piece.digest());
                    inPiece = 0;
                }
            }
        }

        public Torrent build(List<String> urlList) {
            if (fed != declared) {
                throw new IllegalStateException("the files declare " + declared + " bytes but " + fed + " were given");
            }
            byte[] all = pieces.toByteArray();
            if (inPiece > 0) {
                byte[] last = piece.digest();
                byte[] joined = java.util.Arrays.copyOf(all, all.length + SHA1);
                System.arraycopy(last, 0, joined, all.length, SHA1);
                all = joined;
            }
            return new Torrent(name, pieceLength, files, all, urlList);
        }
    }
}
