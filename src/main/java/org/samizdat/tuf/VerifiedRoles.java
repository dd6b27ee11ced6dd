package org.samizdat.tuf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a long-running mirror remembers of the targets roles it verified: for each role file, the
 * sha256 of the exact bytes, the keys they were verified under, and the role without its target
 * list. A signature check is a pure function of bytes and keys (spec 5.6.3), so the same bytes
 * pinned by a new snapshot and delegated to the same keys need not be parsed and verified again;
 * the checks that depend on the new snapshot and the clock (5.6.2 length and hash, 5.6.4 version,
 * 5.6.5 expiry) are still made on every sync ({@link TrustedSet#admitRemembered}).
 */
public final class VerifiedRoles {
    /** One verified role file: its bytes' sha256, its signers, and its outline (no targets). */
    record Remembered(String sha256, Signers signers, Targets outline) {
    }

    /** The keys a delegator listed for a role, with each key's public material. */
    record Signers(RoleKeys keys, List<Key> material) {
        static Signers of(RoleKeys keys, Map<String, Key> keyMap) {
            List<Key> material = new ArrayList<>();
            for (String id : keys.keyids()) {
                material.add(keyMap.get(id));
            }
            return new Signers(keys, material);
        }
    }

    private final int max;
    private final Map<String, Remembered> byFile;

    /** Remembers at most {@code max} role files, dropping the least recently used. */
    public VerifiedRoles(int max) {
        this.max = max;
        this.byFile = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Remembered> eldest) {
                return size() > VerifiedRoles.this.max;
            }
        };
    }

    synchronized Remembered recall(String file, String sha256, RoleKeys keys, Map<String, Key> keyMap) {
        Remembered e = byFile.get(file);
        if (e == null || sha256 == null || !e.sha256().equals(sha256) || !e.signers().equals(Signers.of(keys, keyMap))) {
            return null;
        }
        return e;
    }

    synchronized void remember(String file, String sha256, RoleKeys keys, Map<String, Key> keyMap, Targets verified) {
        Targets outline = new Targets(verified.version(), verified.expires(), Map.of(), verified.delegationKeys(),
                verified.delegations(), verified.succinct());
        byFile.put(file, new Remembered(sha256, Signers.of(keys, keyMap), outline));
    }

    /** Role files remembered now. */
    public synchronized int size() {
        return byFile.size();
    }
}
