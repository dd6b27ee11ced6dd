package org.samizdat.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class KeySharesTest {
    private static final String KEY = "00ff" + "0123456789abcdef".repeat(3) + "fedcba987654ffee";

    @Test
    void anyThreeOfFiveSharesGiveTheKeyBack() {
        List<KeyShares.Share> shares = KeyShares.split("r0007", KEY, 3, 5, new SecureRandom());
        assertEquals(5, shares.size());
        int[][] subsets = {{0, 1, 2}, {0, 2, 4}, {1, 3, 4}, {2, 3, 4}, {0, 1, 2, 3, 4}};
        for (int[] subset : subsets) {
            List<KeyShares.Share> some = java.util.Arrays.stream(subset).mapToObj(shares::get).toList();
            assertEquals(KEY, KeyShares.combine(some));
        }
    }

    @Test
    void twoOfThemAreRefusedAndSayHowManyAreNeeded() {
        List<KeyShares.Share> shares = KeyShares.split("r0007", KEY, 3, 5, new SecureRandom());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyShares.combine(List.of(shares.get(0), shares.get(3))));
        assertTrue(e.getMessage().contains("2 distinct share(s) of r0007 given; 3 of the 5 are needed"), e.getMessage());
        // the same share twice is still one
        assertThrows(IllegalArgumentException.class, () -> KeyShares.combine(List.of(shares.get(0), shares.get(0), shares.get(1))));
    }

    @Test
    void aDamagedShareIsCaughtByTheCommitment() {
        List<KeyShares.Share> shares = KeyShares.split("r0007", KEY, 3, 5, new SecureRandom());
        byte[] data = shares.get(1).data().clone();
        data[5] ^= 1;
        KeyShares.Share bad = new KeyShares.Share("r0007", 2, 3, 5, shares.get(1).keySha256(), data);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyShares.combine(List.of(shares.get(0), bad, shares.get(2))));
        assertTrue(e.getMessage().contains("do not combine to the committed key"), e.getMessage());
    }

    @Test
    void sharesOfDifferentSplitsDoNotMix() {
        List<KeyShares.Share> a = KeyShares.split("r0007", KEY, 2, 3, new SecureRandom());
        List<KeyShares.Share> b = KeyShares.split("r0008", KEY, 2, 3, new SecureRandom());
        assertThrows(IllegalArgumentException.class, () -> KeyShares.combine(List.of(a.get(0), b.get(1))));
    }

    @Test
    void aShareFileRoundTripsAndAForeignFileIsRefused() {
        KeyShares.Share s = KeyShares.split("r0007", KEY, 2, 3, new SecureRandom()).get(2);
        KeyShares.Share back = KeyShares.Share.parse("share.json", s.toBytes());
        assertEquals(s.index(), back.index());
        assertTrue(java.util.Arrays.equals(s.data(), back.data()));
        assertThrows(IllegalArgumentException.class, () -> KeyShares.Share.parse("x.json", "{\"format\":\"other\"}".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> KeyShares.Share.parse("x.json", "not json".getBytes()));
    }
}
