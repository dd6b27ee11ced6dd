package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.tuf.TargetFile;

@Timeout(30)
class SealedManifestTest {
    private static final String SALT = "5a".repeat(32);
    private static final String SHA = "ab".repeat(32);

    private static SealedManifest.Document doc(String path) {
        return new SealedManifest.Document(path, 12, SHA, DocumentMeta.empty("text/plain").toCustom("r0003"));
    }

    @Test
    void aManifestRoundTripsByteForByteAndFindsItsDocuments() {
        SealedManifest m = new SealedManifest("r0003", SALT, List.of(doc("r0003/a/x.txt"), doc("r0003/b.txt"), doc("r0003/c/d/e.txt")));
        byte[] bytes = m.encode();
        SealedManifest back = SealedManifest.parse("r0003", bytes);
        assertArrayEquals(bytes, back.encode());
        assertEquals(12, back.find("r0003/b.txt").orElseThrow().length());
        assertTrue(back.find("r0003/nope.txt").isEmpty());
        assertEquals(36, back.bytes());
    }

    @Test
    void anythingButTheStrictFormIsRefused() {
        String ok = new String(new SealedManifest("r0003", SALT, List.of(doc("r0003/a.txt"), doc("r0003/b.txt"))).encode(),
                StandardCharsets.UTF_8);
        List<String> bad = List.of(
                ok.replace("{\"documents\"", "{ \"documents\""), // not canonical
                ok.replace("\"release\":\"r0003\"", "\"release\":\"r0004\""), // another release
                ok.replace("r0003/b.txt", "r0003/0.txt"), // not in byte order
                ok.replace("r0003/b.txt", "r0003/a.txt"), // a duplicate
                ok.replace("r0003/b.txt", "r0003/_sealed.key"), // one of the release's own files
                ok.replace("r0003/b.txt", "r0003/_release.json"),
                ok.replace("r0003/b.txt", "r0003/../b.txt"), // not a target path
                ok.replace("r0003/b.txt", "r0004/b.txt"), // outside the release
                ok.replace(SALT, "5a"), // a short salt
                ok.replace("\"length\":12", "\"length\":-1"));
        for (String b : bad) {
            assertThrows(IllegalArgumentException.class, () -> SealedManifest.parse("r0003", b.getBytes(StandardCharsets.UTF_8)), b);
        }
    }

    @Test
    void theCiphertextTargetCarriesTheCommitmentsAndAMalformedOneIsRefused() {
        Map<String, Object> custom = SealedRelease.custom("r0003", SHA, "cd".repeat(32), "2027-01-01T00:00:00Z");
        SealedRelease s = SealedRelease.from("r0003", new TargetFile(100, "ef".repeat(32), custom));
        assertEquals("2027-01-01T00:00:00Z", s.opensAfter());
        assertEquals("targets/r0003/" + SHA + "._sealed.key", s.keyName());
        assertEquals("targets/r0003/" + "cd".repeat(32) + "._sealed.json", s.manifestName());
        assertTrue(SealedRelease.isCiphertext("r0003/_sealed.pgp"));
        assertTrue(!SealedRelease.isCiphertext("r0003/x/_sealed.pgp"));
        Map<String, Object> wrong = new java.util.HashMap<>(custom);
        wrong.put("key_sha256", "not hex");
        assertThrows(IllegalArgumentException.class, () -> SealedRelease.from("r0003", new TargetFile(100, "ef".repeat(32), wrong)));
        assertThrows(IllegalArgumentException.class, () -> SealedRelease.from("r0004", new TargetFile(100, "ef".repeat(32), custom)));
        assertEquals("ab".repeat(32), SealedRelease.keyText("  " + "AB".repeat(32) + "\n").orElseThrow());
        assertTrue(SealedRelease.keyText("ab".repeat(31)).isEmpty());
    }
}
