package org.samizdat.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.RoleWalk;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;
import org.samizdat.tuf.VerifiedRoles;

/**
 * A long-running mirror's memory of verified targets roles ({@link VerifiedRoles}): a role it
 * holds is admitted without a second parse and signature check only while its bytes, its pin and
 * its delegator's keys are those it was verified with; version and expiry are checked every time.
 */
@Timeout(60)
class RememberedRolesTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private RepositorySimulator sim;
    private final VerifiedRoles remembered = new VerifiedRoles(ClientLimits.DEFAULT.maxRoles());

    @BeforeEach
    void setUp() {
        sim = new RepositorySimulator(NOW);
        sim.hashesInSnapshot = true;
        sim.delegate("targets", "a", false, "a/*");
        sim.addTarget("a", "a/one.txt", RepositorySimulator.utf8("one"));
        sim.addTarget("targets", "top.txt", RepositorySimulator.utf8("top"));
        sim.publish();
    }

    /** What one walk saw: roles passed with their targets listed, roles passed as outlines, problems. */
    private record Seen(List<String> listed, List<String> outlines, List<String> problems) {
    }

    /** A mirror's walk at {@code now}, holding every role file (its own copies, changed by {@code local}). */
    private Seen walk(Instant now, boolean held, UnaryOperator<byte[]> local) throws Exception {
        TrustedSet trusted = new TrustedSet(sim.served.get("1.root.json"), now, TrustedSet.Expiry.ENFORCE);
        trusted.updateTimestamp(sim.served.get("timestamp.json"));
        long v = trusted.timestamp().snapshot().version();
        trusted.updateSnapshot(v + ".snapshot.json", sim.served.get(v + ".snapshot.json"), false);
        Seen seen = new Seen(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        RoleWalk.walk(trusted, new org.samizdat.tuf.MetadataSource<RuntimeException>() {
            @Override
            public Optional<byte[]> read(String file, long max) {
                byte[] b = sim.served.get(file);
                return Optional.ofNullable(b == null ? null : held ? local.apply(b) : b);
            }
        }, ClientLimits.DEFAULT, new RoleWalk.Visitor<RuntimeException>() {
            @Override
            public boolean holds(String file) {
                return held;
            }

            @Override
            public boolean role(String file, byte[] bytes, Targets role) {
                (role.targets().isEmpty() ? seen.outlines() : seen.listed()).add(file);
                return !held;
            }

            @Override
            public void target(String role, String file, String path, TargetFile target) {
            }

            @Override
            public void problem(TufException e) {
                seen.problems().add(e.rule());
            }
        }, remembered);
        return seen;
    }

    private Seen walk(Instant now, boolean held) throws Exception {
        return walk(now, held, b -> b);
    }

    @Test
    void aHeldRoleVerifiedBeforeIsAdmittedWithoutBeingParsedAgain() throws Exception {
        Seen first = walk(NOW, false);
        assertEquals(List.of("1.targets.json", "1.a.json"), first.listed());
        assertEquals(2, remembered.size());
        Seen again = walk(NOW, true);
        assertEquals(List.of("1.targets.json", "1.a.json"), again.outlines(), "both admitted from memory");
        assertEquals(List.of(), again.problems());
    }

    @Test
    void aRoleNotHeldIsVerifiedInFullEvenWhenRemembered() throws Exception {
        walk(NOW, false);
        Seen again = walk(NOW, false);
        assertEquals(List.of("1.targets.json", "1.a.json"), again.listed());
        assertEquals(List.of(), again.outlines());
    }

    @Test
    void aRememberedRoleIsNotAdmittedUnderKeysThatDidNotSignIt() throws Exception {
        walk(NOW, false);
        // The delegator now lists another key for "a"; "a" is signed by its old key as before, so its
        // file is byte for byte the one remembered (Ed25519 signatures are deterministic).
        List<TestSigner> oldKey = sim.signers.get("a");
        sim.targets.get("targets").remove("delegations");
        sim.delegate("targets", "a", false, "a/*");
        sim.signers.put("a", oldKey);
        sim.bump("targets");
        byte[] before = sim.served.get("1.a.json");
        sim.publish();
        assertArrayEquals(before, sim.served.get("1.a.json"));
        Seen again = walk(NOW, true);
        assertEquals(List.of("2.targets.json"), again.listed(), "the new top-level role is verified in full");
        assertEquals(List.of(), again.outlines());
        assertEquals(List.of("signature threshold"), again.problems());
    }

    @Test
    void heldBytesThatDifferFromThePinAreRefused() throws Exception {
        walk(NOW, false);
        Seen again = walk(NOW, true, b -> {
            byte[] c = b.clone();
            c[c.length - 3] ^= 1;
            return c;
        });
        assertEquals(List.of(), again.outlines());
        assertTrue(again.problems().contains("hash matches parent") || again.problems().contains("length matches parent"),
                "refused: " + again.problems());
    }

    @Test
    void aRememberedRoleThatHasSinceExpiredIsRefused() throws Exception {
        RepositorySimulator.expire(sim.targets.get("a"), NOW.plus(Duration.ofDays(1)));
        sim.bump("a");
        sim.publish();
        walk(NOW, false);
        Seen later = walk(NOW.plus(Duration.ofDays(2)), true);
        assertEquals(List.of("freeze"), later.problems());
        assertEquals(List.of("1.targets.json"), later.outlines());
    }

}
