package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.archive.Json;
import org.samizdat.sync.MirrorSync;
import org.samizdat.sync.Trust;
import org.samizdat.sync.Upstream;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.TufException;
import org.samizdat.work.Progress;

/**
 * The root key moves into a PKCS#11 token, SoftHSM2 from Debian, driven through the JDK's
 * SunPKCS11 provider by {@code samizdat keys pkcs11} and {@code samizdat sign --pkcs11} in their
 * own JVMs: the token signs the rotation onto itself (with the old root key), then alone signs
 * the next root, and a mirror follows both.
 */
class HardwareKeyIT {
    private static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

    @TempDir
    Path tmp;

    private record Run(int exit, String output) {
    }

    /** Runs a program with SoftHSM2 pointed at this test's token directory. */
    private Run run(List<String> command) throws Exception {
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SOFTHSM2_CONF", tmp.resolve("softhsm2.conf").toString());
        Process p = pb.start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), command + " did not finish");
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private Run samizdat(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "org.samizdat.cli.Main"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    @Test
    void aRootRotationOntoASoftHsmTokenIsSignedThroughPkcs11AndAMirrorFollowsIt() throws Exception {
        assertTrue(Files.exists(Path.of(LIBRARY)), LIBRARY + " is missing: install Debian's softhsm2 (.ci/run does)");
        Files.createDirectories(tmp.resolve("tokens"));
        Files.writeString(tmp.resolve("softhsm2.conf"), "directories.tokendir = " + tmp.resolve("tokens")
                + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Run init = run(List.of("softhsm2-util", "--init-token", "--free", "--label", "samizdat-root", "--pin", "1234",
                "--so-pin", "5678"));
        assertEquals(0, init.exit(), init.output());
        Path config = Files.writeString(tmp.resolve("pkcs11.cfg"), "name = SoftHSM\nlibrary = " + LIBRARY + "\nslotListIndex = 0\n");
        Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        Run made = run(List.of(keytool.toString(), "-genkeypair", "-keystore", "NONE", "-storetype", "PKCS11",
                "-providerClass", "sun.security.pkcs11.SunPKCS11", "-providerArg", config.toString(), "-storepass", "1234",
                "-alias", "root-hsm", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=samizdat root", "-validity", "3650"));
        assertEquals(0, made.exit(), made.output());
        Path pin = Files.writeString(tmp.resolve("pin"), "1234\n");

        TestArchive a = TestArchive.create(tmp.resolve("a"), Instant.now());
        a.stage("docs", 2);
        a.publish("one");
        Path mirror = tmp.resolve("mirror");
        try (StaticServer server = new StaticServer(a.publicDir())) {
            MirrorSync sync = new MirrorSync(mirror, new Upstream(server.url(), Duration.ofSeconds(5)),
                    Trust.fingerprint(a.fingerprint), Clock.systemUTC(), 2, Progress.NONE);
            sync.sync();

            Run exported = samizdat("keys", "pkcs11", "--pkcs11", config.toString(), "--pin-file", pin.toString(),
                    "--out", tmp.resolve("pub").toString());
            assertEquals(0, exported.exit(), exported.output());
            Key token = Key.fromJson("root-hsm.pub.json", Json.parseObject(Files.readAllBytes(tmp.resolve("pub/root-hsm.pub.json"))));
            assertEquals("ecdsa-sha2-nistp256", token.scheme());

            // the rotation onto the token: signed by the old root key and by the token
            KeyChange change = new KeyChange(a.onlinePublisher());
            Path second = change.rotate(List.of("root"), List.of(token), 1, 1).pending().get(0);
            KeyChange.sign(second, a.offlineKeyring());
            Run signed = samizdat("sign", second.toString(), "--pkcs11", config.toString(), "--pin-file", pin.toString());
            assertEquals(0, signed.exit(), signed.output());
            assertTrue(signed.output().contains("signed by 1 more key(s)"), signed.output());
            change.importSigned(List.of(second));
            assertEquals(List.of(token.keyid()), Head.load(a.dir().publicStore()).root().role("root").keyids());
            assertTrue(sync.sync().changed());
            assertEquals(2, trustedRootVersion(mirror), "the mirror follows the root onto the token's key");

            // from now on the token alone signs a new root; the old file key no longer can
            Path third = change.rotate(List.of("timestamp"), List.of(), 1, 1).pending().get(0);
            KeyChange.sign(third, a.offlineKeyring());
            TufException old = assertThrows(TufException.class, () -> change.importSigned(List.of(third)));
            assertEquals("signature threshold", old.rule(), old.getMessage());
            assertEquals(0, samizdat("sign", third.toString(), "--pkcs11", config.toString(), "--pin-file", pin.toString()).exit());
            change.importSigned(List.of(third));
            sync.sync();
            assertEquals(3, trustedRootVersion(mirror));
            Checker.Report report = a.check(true);
            assertTrue(report.ok(), report.problems().toString());
        }
    }

    private static long trustedRootVersion(Path mirror) throws Exception {
        long v = 1;
        while (Files.exists(mirror.resolve("metadata/" + (v + 1) + ".root.json"))) {
            v++;
        }
        return v;
    }
}
