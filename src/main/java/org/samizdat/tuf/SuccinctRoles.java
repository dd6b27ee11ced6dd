package org.samizdat.tuf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Sha256;

/**
 * TAP 15 succinct hash bins: 2^bitLength roles named {@code prefix-<hex>} sharing keys, a target
 * belonging to the bin given by the top bitLength bits of sha256(path).
 */
public record SuccinctRoles(List<String> keyids, int threshold, int bitLength, String namePrefix) {
    public SuccinctRoles {
        keyids = List.copyOf(keyids);
        if (bitLength < 1 || bitLength > 32) {
            throw new IllegalArgumentException("bit_length must be 1..32");
        }
    }

    public long binCount() {
        return 1L << bitLength;
    }

    /** TAP 15: name_prefix + "-" + hex(index), zero-padded to the width of the largest index. */
    public String binName(long index) {
        int width = Long.toHexString(binCount() - 1).length();
        String hex = Long.toHexString(index);
        return namePrefix + "-" + "0".repeat(width - hex.length()) + hex;
    }

    /** TAP 15: the first 4 bytes of sha256(UTF-8 path), big-endian, shifted right by 32 - bit_length. */
    public long binIndex(String targetPath) {
        byte[] h = Sha256.of(targetPath.getBytes(StandardCharsets.UTF_8));
        long top = ByteBuffer.wrap(h, 0, 4).getInt() & 0xffffffffL;
        return top >>> (32 - bitLength);
    }

    public String binFor(String targetPath) {
        return binName(binIndex(targetPath));
    }

    public List<String> allBinNames() {
        List<String> names = new ArrayList<>();
        for (long i = 0; i < binCount(); i++) {
            names.add(binName(i));
        }
        return names;
    }

    public boolean isBin(String roleName) {
        if (!roleName.startsWith(namePrefix + "-")) {
            return false;
        }
        String hex = roleName.substring(namePrefix.length() + 1);
        int width = Long.toHexString(binCount() - 1).length();
        if (hex.length() != width || !hex.matches("[0-9a-f]+")) {
            return false;
        }
        return Long.parseLong(hex, 16) < binCount();
    }

    public RoleKeys keysFor(String binName) {
        return new RoleKeys(binName, keyids, threshold);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keyids", new ArrayList<>(keyids));
        m.put("threshold", (long) threshold);
        m.put("bit_length", (long) bitLength);
        m.put("name_prefix", namePrefix);
        return m;
    }

    public static SuccinctRoles fromJson(String file, Object json) throws TufException {
        RoleKeys keys = RoleKeys.fromJson(file, "succinct_roles", json);
        Map<?, ?> m = (Map<?, ?>) json;
        long bits = Fields.integer(file, m, "bit_length");
        if (bits < 1 || bits > 32) {
            throw new TufException(file, "succinct_roles", "bit_length " + bits + " is outside 1..32");
        }
        return new SuccinctRoles(keys.keyids(), keys.threshold(), (int) bits, Fields.string(file, m, "name_prefix"));
    }
}
