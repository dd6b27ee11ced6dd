package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samizdat.repo.HardwareKey;
import org.samizdat.repo.KeyChange;
import org.samizdat.repo.Keyring;
import org.samizdat.repo.Withdrawals;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.Targets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat sign FILE... --keys DIR}: the offline half of a key change, on the offline machine. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign root and targets files with the offline keys, offline.",
                "Shows what each file says, then adds a signature from every key of its role in --keys (a rotation's new keys too), or from every key of a PKCS#11 token (--pkcs11), and writes it back in place. Several trustees can sign the same file in turn until the root threshold is met. Bring the files back and run `samizdat import ARCHIVE FILE...`."})
final class SignCommand implements Callable<Integer> {
    static final String PIN_ENV = "SAMIZDAT_PKCS11_PIN";

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE", description = "Unsigned (or partly signed) root and targets files.")
    List<Path> files;

    @Option(names = "--keys", paramLabel = "DIR", description = "The offline keyring (default: none; give it or --pkcs11).")
    Path keys;

    @Option(names = "--pkcs11", paramLabel = "CONFIG",
            description = "Sign with the keys of a PKCS#11 token instead (a SunPKCS11 configuration file naming its"
                    + " library and slot; default: none). See README: hardware keys.")
    Path pkcs11;

    @Option(names = "--pin-file", paramLabel = "FILE",
            description = "The token's PIN, first line of FILE (default: the " + PIN_ENV + " environment variable).")
    Path pinFile;

    @picocli.CommandLine.Mixin
    OfflinePassphrase passphrase;

    @Override
    public Integer call() throws Exception {
        if ((keys == null) == (pkcs11 == null)) {
            System.err.println("samizdat sign: give the offline keys with --keys DIR or --pkcs11 CONFIG (one of them)");
            return Main.USAGE;
        }
        List<HardwareKey> token = pkcs11 == null ? null : HardwareKey.open(pkcs11, PassphraseOptions.read(pinFile, PIN_ENV));
        Keyring keyring = keys == null ? null : new Keyring(keys, passphrase.read());
        for (Path f : files) {
            Metadata m = Metadata.parse(f.getFileName().toString(), Files.readAllBytes(f), null);
            System.out.println(f + ": " + describe(m));
            int added = token != null ? KeyChange.sign(f, token) : KeyChange.sign(f, keyring);
            System.out.println("    signed by " + added + " more key(s) from " + (keys != null ? keys : pkcs11));
        }
        return Main.OK;
    }

    /** What a file would put in force, in words, so the signer knows what they sign. */
    static String describe(Metadata m) throws Exception {
        if (m.type().equals("root")) {
            Root r = Root.from(m);
            StringBuilder b = new StringBuilder("root version " + r.version() + ", expires " + r.expires() + ";");
            for (String role : Root.TOP_LEVEL) {
                var k = r.role(role);
                b.append(" ").append(role).append(": ").append(k.threshold()).append(" of ")
                        .append(k.keyids().stream().map(id -> id.substring(0, 16)).toList()).append(";");
            }
            return b.toString();
        }
        Targets t = Targets.from(m);
        StringBuilder b = new StringBuilder("targets version " + t.version() + ", expires " + t.expires() + ";");
        t.delegations().forEach(d -> b.append(" ").append(d.name()).append(" signed by ")
                .append(d.keys().keyids().stream().map(id -> id.substring(0, 16)).toList()).append(";"));
        if (t.targets().containsKey(Withdrawals.PATH)) {
            b.append(" lists ").append(Withdrawals.PATH).append(" (sha256 ")
                    .append(t.targets().get(Withdrawals.PATH).sha256(), 0, 16).append("...)");
        }
        return b.toString();
    }
}
