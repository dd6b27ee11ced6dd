package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the bencoder: whatever it decodes is canonical, and a torrent it reads writes back byte for byte. */
class BencodeFuzzTest {
    /**
     * Any input is either refused with IllegalArgumentException or decoded to a value whose
     * canonical encoding is exactly the input (the decoder accepts only canonical bytes, so
     * re-encoding, as aria2 does to compute an infohash, never changes a hash). A torrent parsed
     * from such bytes has the infohash of its info dictionary as read.
     */
    @FuzzTest(maxDuration = "10s")
    void acceptedBytesAreCanonicalAndRoundTripExactly(FuzzedDataProvider data) {
        byte[] in = data.consumeRemainingAsBytes();
        Object value;
        try {
            value = Bencode.decode(in);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertArrayEquals(in, Bencode.encode(value));
        Torrent t;
        try {
            t = Torrent.parse(in);
        } catch (IllegalArgumentException notATorrent) {
            return;
        }
        Object info = ((java.util.Map<?, ?>) value).get("info");
        assertEquals(Hex.encode(Torrent.sha1().digest(Bencode.encode(info))), t.infoHashHex());
        assertEquals(t.infoHashHex(), Torrent.parse(t.encode()).infoHashHex());
    }
}
