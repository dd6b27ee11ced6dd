package org.samizdat.tuf;

/**
 * The bounds every client of this project (mirror, check, fetch, tuf-client) applies to a
 * repository it does not trust: how many roots it follows, how many roles it visits, and the
 * largest file it reads for each top-level role when the signed metadata gives no length.
 * The defaults are python-tuf's and tuf-js's; {@code maxRoles} bounds a whole-graph walk (a
 * mirror copying every bin), {@code maxDelegations} a search for one target (spec 5.6.7).
 */
public record ClientLimits(int maxRootRotations, int maxDelegations, int maxRoles, long rootMax, long timestampMax,
                           long snapshotMax, long targetsMax) {
    /** The defaults: 256 root rotations, 32 delegations searched, 100,000 roles walked, 512 KB, 16 KB, 2 MB, 5 MB. */
    public static final ClientLimits DEFAULT = new ClientLimits(256, 32, 100_000, 512_000, 16_384, 2_000_000, 5_000_000);

    public ClientLimits {
        if (maxRootRotations < 1 || maxDelegations < 1 || maxRoles < 1 || rootMax < 1 || timestampMax < 1
                || snapshotMax < 1 || targetsMax < 1) {
            throw new IllegalArgumentException("client limits must be positive");
        }
    }

    /** The most bytes to read of a file the signed metadata pins: its signed length, else the cap. */
    public static long cap(MetaFile pinned, long fallback) {
        return pinned != null && pinned.length() != null ? pinned.length() : fallback;
    }
}
