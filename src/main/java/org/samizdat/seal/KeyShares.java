package org.samizdat.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.crypto.threshold.ShamirSecretSplitter;
import org.bouncycastle.crypto.threshold.ShamirSplitSecret;
import org.bouncycastle.crypto.threshold.ShamirSplitSecretShare;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Hex;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;

/**
 * A sealed release's key split k-of-n among trustees with Shamir's secret sharing (Bouncy
 * Castle's, over GF(2^8) byte by byte): any k shares give the key back, fewer give nothing. A
 * share is a small JSON file that says which release, which share of how many, and the key's
 * committed sha256, so that combining can tell a wrong or missing share from a right one.
 */
public final class KeyShares {
    /** The {@code format} of a share file. */
    static final String FORMAT = "samizdat-key-share-1";
    static final int MAX_SHARES = 255;

    private KeyShares() {
    }

    /** One trustee's share, as its file holds it. */
    public record Share(String release, int index, int threshold, int count, String keySha256, byte[] data) {
        public byte[] toBytes() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", (long) count);
            m.put("format", FORMAT);
            m.put("index", (long) index);
            m.put("key_sha256", keySha256);
            m.put("release", release);
            m.put("share", Hex.encode(data));
            m.put("threshold", (long) threshold);
            byte[] json = CanonicalJson.encode(m);
            byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        }

        /** Reads a share file; a damaged or foreign file is refused with what is wrong. */
        public static Share parse(String where, byte[] bytes) {
            Map<String, Object> m;
            try {
                m = Json.parseObject(new String(bytes, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": not a key share (" + e.getMessage() + ")");
            }
            if (!FORMAT.equals(m.get("format")) || !(m.get("release") instanceof String release)
                    || !(m.get("index") instanceof Long index) || !(m.get("threshold") instanceof Long k)
                    || !(m.get("count") instanceof Long n) || !(m.get("key_sha256") instanceof String sha)
                    || !Hex.isLowerHex(sha, Sha256.HEX_LENGTH) || !(m.get("share") instanceof String data)
                    || data.isEmpty() || data.length() > 256 || !Hex.isLowerHex(data, data.length()) || data.length() % 2 != 0 || k < 2 || n < k || n > MAX_SHARES
                    || index < 1 || index > n) {
                throw new IllegalArgumentException(where + ": not a " + FORMAT + " file (it needs format, release, index"
                        + " 1..count, threshold 2..count, count up to " + MAX_SHARES + ", key_sha256 and the share in hex)");
            }
            return new Share(release, index.intValue(), k.intValue(), n.intValue(), sha, Hex.decode(data));
        }
    }

    /** Splits a key (64 hex digits) into {@code count} shares, any {@code threshold} of which give it back. */
    public static List<Share> split(String release, String keyText, int threshold, int count, SecureRandom random) {
        if (threshold < 2 || count < threshold || count > MAX_SHARES) {
            throw new IllegalArgumentException("shares: need 2 <= k <= n <= " + MAX_SHARES + " (got " + threshold + " of "
                    + count + ")");
        }
        byte[] secret = Hex.decode(keyText);
        ShamirSecretSplitter splitter = new ShamirSecretSplitter(ShamirSecretSplitter.Algorithm.AES,
                ShamirSecretSplitter.Mode.Table, secret.length, random);
        ShamirSplitSecret split = (ShamirSplitSecret) splitter.resplit(secret, threshold, count);
        String sha = Sha256.hex(keyText.getBytes(StandardCharsets.US_ASCII));
        List<Share> out = new ArrayList<>();
        ShamirSplitSecretShare[] shares = split.getSecretShares();
        for (int i = 0; i < shares.length; i++) {
            try {
                out.add(new Share(release, i + 1, threshold, count, sha, shares[i].getEncoded()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * The key the shares give, checked against their committed sha256. Fails, saying why, when
     * the shares are of different releases or splits, fewer than the threshold, or do not
     * combine to the committed key (a wrong or damaged share).
     */
    public static String combine(List<Share> given) {
        if (given.isEmpty()) {
            throw new IllegalArgumentException("no shares given");
        }
        Share first = given.get(0);
        Map<Integer, Share> distinct = new TreeMap<>();
        for (Share s : given) {
            if (!s.release().equals(first.release()) || !s.keySha256().equals(first.keySha256())
                    || s.threshold() != first.threshold() || s.count() != first.count()) {
                throw new IllegalArgumentException("the shares belong to different keys (release " + first.release() + " and "
                        + s.release() + "); give shares of one split");
            }
            Share before = distinct.put(s.index(), s);
            if (before != null && !java.util.Arrays.equals(before.data(), s.data())) {
                throw new IllegalArgumentException("two different shares claim to be share " + s.index());
            }
        }
        if (distinct.size() < first.threshold()) {
            throw new IllegalArgumentException(distinct.size() + " distinct share(s) of " + first.release() + " given; "
                    + first.threshold() + " of the " + first.count() + " are needed");
        }
        ShamirSplitSecretShare[] shares = distinct.values().stream()
                .map(s -> new ShamirSplitSecretShare(s.data(), s.index())).toArray(ShamirSplitSecretShare[]::new);
        byte[] secret;
        try {
            secret = new ShamirSplitSecret(ShamirSecretSplitter.Algorithm.AES, ShamirSecretSplitter.Mode.Table, shares)
                    .getSecret();
        } catch (IOException e) {
            throw new IllegalArgumentException("the shares cannot be combined: " + e.getMessage());
        }
        String key = Hex.encode(secret);
        if (!Sha256.hex(key.getBytes(StandardCharsets.US_ASCII)).equals(first.keySha256())) {
            throw new IllegalArgumentException("the shares do not combine to the committed key of " + first.release()
                    + ": at least one share is wrong or damaged");
        }
        return key;
    }
}
