package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TorrentTest {
    private static Torrent build(long pieceLength, List<String> seeds, byte[]... contents) {
        Torrent.Builder b = new Torrent.Builder("r0001", pieceLength);
        for (int i = 0; i < contents.length; i++) {
            b.file(List.of("docs", "f" + i + ".txt"), contents[i].length);
        }
        for (byte[] c : contents) {
            // fed in uneven slices: piece boundaries must not depend on how the bytes arrive
            for (int off = 0; off < c.length; off += 7) {
                b.update(c, off, Math.min(7, c.length - off));
            }
        }
        return b.build(seeds);
    }

    @Test
    void piecesAreTheSha1OfTheConcatenatedFilesAcrossFileBoundaries() throws Exception {
        byte[] a = "first document".getBytes(StandardCharsets.UTF_8);
        byte[] c = "second, a little longer document".getBytes(StandardCharsets.UTF_8);
        Torrent t = build(16, List.of(), a, new byte[0], c);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(a);
        all.writeBytes(c);
        byte[] joined = all.toByteArray();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int off = 0; off < joined.length; off += 16) {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(joined, off, Math.min(16, joined.length - off));
            expected.writeBytes(sha1.digest());
        }
        assertArrayEquals(expected.toByteArray(), t.pieces());
        assertEquals(3, t.pieceCount());
        assertEquals(joined.length, t.totalLength());
    }

    @Test
    void theFileAndItsInfohashFromOneEncodingAreThoseOfTheInfoDictionary() throws Exception {
        Torrent t = build(16, List.of("http://127.0.0.1:8080/seed/"), "one".getBytes(StandardCharsets.UTF_8),
                "two, longer than a piece".getBytes(StandardCharsets.UTF_8));
        Torrent.Encoded encoded = t.encoded();
        byte[] info = Bencode.encode(t.info());
        assertEquals(Hex.encode(MessageDigest.getInstance("SHA-1").digest(info)), encoded.infoHashHex());
        assertEquals(t.infoHashHex(), encoded.infoHashHex());
        Torrent parsed = Torrent.parse(encoded.file());
        assertEquals(t.infoHashHex(), parsed.infoHashHex());
        assertEquals(t.urlList(), parsed.urlList());
        assertTrue(new String(encoded.file(), StandardCharsets.ISO_8859_1).contains("4:info" + new String(info, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theFileRoundTripsAndWebSeedsDoNotChangeTheInfohash() {
        Torrent t = build(32 << 10, List.of("http://127.0.0.1:8080/seed/"), "x".repeat(100_000).getBytes(StandardCharsets.UTF_8));
        Torrent again = Torrent.parse(t.encode());
        assertArrayEquals(t.encode(), again.encode());
        assertEquals(t.infoHashHex(), again.infoHashHex());
        Torrent moved = t.withUrlList(List.of("http://127.0.0.2/seed/", "https://mirror.example/seed/"));
        assertEquals(t.infoHashHex(), moved.infoHashHex());
        assertNotEquals(new String(t.encode(), StandardCharsets.ISO_8859_1), new String(moved.encode(), StandardCharsets.ISO_8859_1));
        assertEquals(List.of("http://127.0.0.2/seed/", "https://mirror.example/seed/"), Torrent.parse(moved.encode()).urlList());
        assertTrue(moved.magnet().startsWith("magnet:?xt=urn:btih:" + t.infoHashHex() + "&dn=r0001&ws=http%3A%2F%2F127.0.0.2%2Fseed%2F"),
                moved.magnet());
    }

    @Test
    void theInfoDictionaryHoldsOnlyWhatTheContentDetermines() {
        String text = new String(build(32 << 10, List.of(), new byte[] {1}).encode(), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("d10:created by8:samizdat4:infod5:filesld6:lengthi1e4:pathl4:docs6:f0.txteee4:name5:r0001"
                + "12:piece lengthi32768e6:pieces20:"), text);
        assertTrue(text.endsWith("ee"), text);
    }

    @Test
    void refusesTorrentsAClientWouldTurnIntoPathsOutsideItsFolder() {
        byte[] good = build(16, List.of(), new byte[] {1, 2}).encode();
        String s = new String(good, StandardCharsets.ISO_8859_1);
        for (String evil : List.of(s.replace("4:docs", "2:.."), s.replace("4:docs", "4:a/bc"), s.replace("5:r0001", "5:r/001"))) {
            assertThrows(IllegalArgumentException.class, () -> Torrent.parse(evil.getBytes(StandardCharsets.ISO_8859_1)), evil);
        }
        String privateFlag = s.substring(0, s.length() - 2) + "7:privatei1eee";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Torrent.parse(privateFlag.getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("private"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> build(16, List.of("http://127.0.0.1/seed"), new byte[] {1}));
    }

    @Test
    void pieceLengthsArePowersOfTwoKeepingAboutTwoThousandPieces() {
        assertEquals(32 << 10, Torrent.pieceLengthFor(1_000));
        assertEquals(32 << 10, Torrent.pieceLengthFor(2000L * (32 << 10)));
        assertEquals(64 << 10, Torrent.pieceLengthFor(2001L * (32 << 10)));
        assertEquals(4 << 20, Torrent.pieceLengthFor(1L << 40));
        long p = Torrent.pieceLengthFor(300_000_000L);
        assertEquals(0, p & (p - 1));
        assertTrue(300_000_000L / p <= 2000);
    }

    @Test
    void theBuilderRefusesBytesThatDoNotMatchTheDeclaredFiles() {
        Torrent.Builder b = new Torrent.Builder("r0001", 16).file(List.of("a"), 2);
        assertThrows(IllegalStateException.class, () -> b.update(new byte[3], 0, 3));
        Torrent.Builder short1 = new Torrent.Builder("r0001", 16).file(List.of("a"), 2);
        short1.update(new byte[1], 0, 1);
        assertThrows(IllegalStateException.class, () -> short1.build(List.of()));
    }
}
