package org.samizdat.seal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.repo.Catalog;
import org.samizdat.repo.SealedRelease;
import org.samizdat.repo.TestArchive;
import org.samizdat.store.FileStore;

@Timeout(60)
class UnsealerTest {
    @TempDir
    Path tmp;
    TestArchive archive;
    final List<String> log = new ArrayList<>();
    Sealer.Sealed sealed;
    String key;

    @BeforeEach
    void sealed() throws Exception {
        archive = TestArchive.create(tmp);
        archive.stage("cables", 30);
        sealed = new Sealing(archive, null).seal("Insurance", 0, 0, null);
        key = Files.readString(sealed.keyFile()).strip();
    }

    private Unsealer unsealer(Path pub) {
        return new Unsealer(pub, List::of, line -> {
            synchronized (log) {
                log.add(line);
            }
        });
    }

    private static boolean opened(Path pub, String id) throws Exception {
        return Catalog.open(new FileStore(pub)).opened(id).isPresent();
    }

    @Test
    void hostilePostsAreAnsweredAtOnceAndChangeNothing() throws Exception {
        archive.stage("plain", 3);
        archive.publish("An ordinary release");
        List<String> before = new FileStore(archive.publicDir()).list("");
        try (Unsealer u = unsealer(archive.publicDir()).start()) {
            assertEquals(400, u.post("r0001", "not a key").status());
            assertEquals(400, u.post("r0001", key + "00").status());
            assertEquals(400, u.post("../x", key).status());
            assertEquals(403, u.post("r0001", "cd".repeat(32)).status());
            assertEquals(404, u.post("r0002", key).status(), "r0002 is not sealed");
            assertTrue(u.idle(Duration.ofSeconds(10)));
            assertEquals(before, new FileStore(archive.publicDir()).list(""));
            assertTrue(!opened(archive.publicDir(), "r0001"));
            assertTrue(u.states().isEmpty() || !u.states().containsValue("opened"));
        }
    }

    @Test
    void aKeyPostedBeforeTheCiphertextArrivedIsKeptAndAppliedWhenItDoes() throws Exception {
        Path mirror = archive.copyPublicTree(tmp.resolve("mirror"));
        SealedRelease s = Catalog.open(new FileStore(mirror)).sealed("r0001").orElseThrow();
        Path cipher = new FileStore(mirror).path(s.ciphertextName());
        Path aside = tmp.resolve("cipher-aside");
        Files.move(cipher, aside);
        try (Unsealer u = unsealer(mirror).start()) {
            assertEquals(202, u.post("r0001", key.toUpperCase()).status());
            assertTrue(u.idle(Duration.ofSeconds(20)));
            assertEquals("waiting for the ciphertext", u.states().get("r0001"));
            assertTrue(Files.exists(mirror.resolve(".opening/r0001.key")), "the key is kept on disk");
            Files.move(aside, cipher); // the next sync brings it
            u.afterSync(null);
            assertTrue(u.idle(Duration.ofSeconds(20)));
            assertEquals("opened", u.states().get("r0001"));
            assertTrue(opened(mirror, "r0001"));
            assertTrue(!Files.exists(mirror.resolve(".opening/r0001.key")));
        }
    }

    @Test
    void aKeyForAReleaseNotYetKnownIsHeldAndTriedAfterTheNextSync() throws Exception {
        Path mirror = tmp.resolve("mirror");
        archive.copyPublicTree(mirror);
        // the mirror is one version behind: it does not know r0002 yet
        archive.stage("more", 5);
        Sealer.Sealed second = new Sealing(archive, null).seal("Second", 0, 0, null);
        String secondKey = Files.readString(second.keyFile()).strip();
        try (Unsealer u = unsealer(mirror).start()) {
            Unsealer.Answer a = u.post("r0002", secondKey);
            assertEquals(202, a.status());
            assertEquals("held", a.state());
            org.samizdat.repo.TestArchive.copyTree(archive.publicDir(), mirror); // the sync brings r0002
            u.afterSync(null);
            assertTrue(u.idle(Duration.ofSeconds(20)));
            assertEquals("opened", u.states().get("r0002"));
        }
    }

    @Test
    void aKeptKeyWhoseOpeningFailedOnTheNodesOwnAccountIsTriedAgainAfterTheNextSync() throws Exception {
        // a mirror restarted with a kept key before it holds any version (its first sync has not finished)
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        new FileStore(mirror.resolve(".opening")).put("r0001.key", key.getBytes());
        try (Unsealer u = unsealer(mirror).start()) {
            assertTrue(u.idle(Duration.ofSeconds(20)));
            assertTrue(!"opened".equals(u.states().get("r0001")));
            org.samizdat.repo.TestArchive.copyTree(archive.publicDir(), mirror); // the sync completes
            u.afterSync(null);
            assertTrue(u.idle(Duration.ofSeconds(20)));
            assertEquals("opened", u.states().get("r0001"), log.toString());
        }
        assertTrue(opened(mirror, "r0001"));
    }

    @Test
    void aNodeKilledWhileOpeningFinishesWhenItStartsAgain() throws Exception {
        // what a kill -9 mid-opening leaves: the kept key, a half-written work directory, some documents already moved
        Path pub = archive.publicDir();
        new FileStore(pub.resolve(".opening")).put("r0001.key", key.getBytes());
        Files.createDirectories(pub.resolve(".opening/r0001"));
        Files.writeString(pub.resolve(".opening/r0001/0"), "half a docu");
        try (Unsealer u = unsealer(pub).start()) {
            assertTrue(u.idle(Duration.ofSeconds(20)));
            assertEquals("opened", u.states().get("r0001"), log.toString());
        }
        assertTrue(opened(pub, "r0001"));
        assertTrue(!Files.exists(pub.resolve(".opening/r0001")));
        assertTrue(archive.check().ok(), archive.check().problems().toString());
    }
}
