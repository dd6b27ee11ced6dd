package org.samizdat.repo;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.samizdat.tuf.Delegation;
import org.samizdat.tuf.RoleKeys;
import org.samizdat.tuf.SuccinctRoles;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;

/**
 * A published release never changes for those who hold it (docs/FORMAT.md section 6): a newer
 * version of a release role or of one of its bins may renew its signature and expiry but must list
 * exactly the targets (paths, lengths, hashes, metadata) and bins the older one did, and a newer
 * {@code releases} role must keep every delegation the older one made. So a thief of the online
 * keys can add forged releases, but cannot rewrite or remove a published one on any mirror or
 * reader that already holds it. Mirror, check and fetch all compare through here.
 *
 * <p>The one exception is a rotation of the releases key, which only the offline targets key can
 * sign (docs/FORMAT.md section 6): a release role may then be re-signed under the keys the
 * top-level targets role now names for {@code releases}, its targets unchanged; and a
 * {@code releases} role held under other keys than those (the thief's, say) is not a reference
 * any more, so the publisher's recovered graph replaces what a thief added.
 */
public final class PublishedRelease {
    /** Release roles ({@code r0001}) and their bins ({@code r0001-bin-0a}). */
    private static final Pattern RELEASE_ROLE = Pattern.compile("r[0-9]{4,}(-bin-[0-9a-f]+)?");

    private PublishedRelease() {
    }

    /** Whether the rule constrains this role's later versions. */
    public static boolean applies(String role) {
        return role.equals(Publisher.RELEASES_ROLE) || RELEASE_ROLE.matcher(role).matches();
    }

    /**
     * Checks that {@code after}, a newer version of {@code role} than the trusted {@code before},
     * changes nothing a published release is made of.
     */
    public static void checkKept(String file, String role, Targets before, Targets after, RoleKeys releasesKeys)
            throws TufException {
        if (after.version() <= before.version()) {
            return; // the same version (or a rollback, refused elsewhere)
        }
        java.util.Set<String> current = releasesKeys == null ? java.util.Set.of() : java.util.Set.copyOf(releasesKeys.keyids());
        if (role.equals(Publisher.RELEASES_ROLE)) {
            boolean heldUnderOtherKeys = before.delegations().stream()
                    .anyMatch(d -> !current.containsAll(d.keys().keyids()));
            if (heldUnderOtherKeys) {
                return; // re-based by the offline targets key's rotation of the releases key
            }
            for (Delegation d : before.delegations()) {
                Delegation now = after.delegations().stream().filter(x -> x.name().equals(d.name())).findFirst().orElse(null);
                if (now == null) {
                    throw rewritten(file, "drops the published release " + d.name());
                }
                if (!now.equals(d) || !sameKeys(d, before.delegationKeys(), after.delegationKeys())) {
                    throw rewritten(file, "changes the delegation of the published release " + d.name());
                }
            }
            return;
        }
        if (!RELEASE_ROLE.matcher(role).matches()) {
            return;
        }
        if (!before.targets().equals(after.targets())) {
            for (String path : before.targets().keySet()) {
                if (!after.targets().containsKey(path)) {
                    throw rewritten(file, "drops " + path + ", which version " + before.version() + " published");
                }
                if (!after.targets().get(path).equals(before.targets().get(path))) {
                    throw rewritten(file, "changes " + path + ", which version " + before.version() + " published");
                }
            }
            throw rewritten(file, "adds documents to a release published as version " + before.version());
        }
        boolean rekeyed = !current.isEmpty() && after.delegationKeys().keySet().equals(current)
                && !before.delegationKeys().keySet().equals(current);
        if (rekeyed ? !sameBinsUnderKeys(before.succinct(), after.succinct(), current)
                : !Objects.equals(before.succinct(), after.succinct())
                        || !Objects.equals(before.delegationKeys(), after.delegationKeys())
                        || !before.delegations().equals(after.delegations())) {
            throw rewritten(file, "changes the delegations of a published release");
        }
    }

    /** The same bins, now signed with the releases keys the top-level targets role names. */
    private static boolean sameBinsUnderKeys(SuccinctRoles before, SuccinctRoles after, java.util.Set<String> keys) {
        if (before == null || after == null) {
            return before == after;
        }
        return before.bitLength() == after.bitLength() && before.namePrefix().equals(after.namePrefix())
                && before.threshold() == after.threshold() && java.util.Set.copyOf(after.keyids()).equals(keys);
    }

    private static boolean sameKeys(Delegation d, Map<String, ?> before, Map<String, ?> after) {
        for (String id : d.keys().keyids()) {
            if (!Objects.equals(before.get(id), after.get(id))) {
                return false;
            }
        }
        return true;
    }

    private static TufException rewritten(String file, String what) {
        return new TufException(file, "published release", what + "; a published release cannot be rewritten");
    }
}
