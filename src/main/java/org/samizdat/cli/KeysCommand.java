package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.archive.Json;
import org.samizdat.repo.ArchiveDir;
import org.samizdat.repo.KeyChange;
import org.samizdat.repo.Keyring;
import org.samizdat.tuf.Key;
import org.samizdat.tuf.SigningKey;
import org.samizdat.work.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code samizdat keys}: rotating keys, and making new offline keys on the offline machine. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Rotate the archive's keys.",
                "Every rotation is signed by the offline keys: with --offline-keys at hand it is signed and imported at once; without, the unsigned files wait in ARCHIVE/private/pending for `samizdat sign` on the offline machine and `samizdat import`. Mirrors, fetch and tuf-client follow a rotation by the TUF rules; after a theft of the online keys, rotate timestamp, snapshot, releases and mirrors together (README: compromise recovery)."},
        subcommands = {KeysCommand.Rotate.class, KeysCommand.Generate.class, KeysCommand.Pkcs11.class})
final class KeysCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("samizdat keys: name a command: rotate, generate or pkcs11 (see --help)");
        return Main.USAGE;
    }

    /** Prints what a change did, or where its unsigned files wait and what to do with them. */
    static int report(KeyChange.Outcome o, Path archive) {
        if (!o.pending().isEmpty()) {
            System.out.println("Waiting for the offline keys:");
            o.pending().forEach(p -> System.out.println("    " + p));
            System.out.println("Copy them to the offline machine and sign them there:");
            System.out.println("    samizdat sign FILE... --keys OFFLINE_KEYS_DIR");
            System.out.println("then bring the signed files back and run:");
            System.out.println("    samizdat import " + archive + " FILE...");
            return Main.OK;
        }
        o.done().forEach(line -> System.out.println(line));
        return Main.OK;
    }

    /** {@code keys rotate ARCHIVE ROLE...}. */
    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Replace the keys of one or more roles.",
                    "ROLE is root, targets, snapshot, timestamp, releases or mirrors. New online keys are made in ARCHIVE/private/keys and put in force when the change is imported; new root and targets keys are made in the offline keyring (--offline-keys), or on the offline machine with `samizdat keys generate` and given here with --new-key."})
    static final class Rotate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ARCHIVE", description = "The archive.")
        Path archive;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "ROLE", description = "The roles whose keys to replace.")
        List<String> roles;

        @Option(names = "--new-key", paramLabel = "FILE",
                description = "A new root or targets public key made offline by `samizdat keys generate` (repeat it for"
                        + " several root keys); default: none, the offline keyring makes them.")
        List<Path> newKeys = new ArrayList<>();

        @Mixin
        RootKeyOptions rootKeys;

        @Mixin
        PassphraseOptions passphrase;

        @Mixin
        OfflineKeyOptions offline;

        @Override
        public Integer call() throws Exception {
            ArchiveDir dir = new ArchiveDir(archive).requireArchive();
            List<Key> keys = new ArrayList<>();
            for (Path f : newKeys) {
                keys.add(Key.fromJson(f.toString(), Json.parseObject(Files.readAllBytes(f))));
            }
            KeyChange change = new KeyChange(passphrase.publisher(dir, Progress.NONE, offline));
            return report(change.rotate(roles, keys, rootKeys.count, rootKeys.threshold()), archive);
        }
    }

    /** {@code keys generate ROLE --keys DIR}: new offline keys, on the offline machine. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Make new root or targets keys in an offline keyring, for a rotation.",
                    "Run it on the offline machine. The new keys wait in the keyring beside the current ones (`sign` signs a new root with both, as a rotation needs); their public halves are written to --out for `samizdat keys rotate ARCHIVE ROLE --new-key FILE` on the publishing machine."})
    static final class Generate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ROLE", description = "root or targets.")
        String role;

        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The offline keyring.")
        Path keys;

        @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "How many keys (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
                description = "Where to write the public keys (default: the current directory).")
        Path out;

        @Mixin
        OfflinePassphrase passphrase;

        @Override
        public Integer call() throws Exception {
            if (!Keyring.OFFLINE.contains(role)) {
                System.err.println("samizdat: only root and targets keys are made offline; online keys are made by"
                        + " `samizdat keys rotate` on the publishing machine");
                return Main.USAGE;
            }
            Keyring keyring = new Keyring(keys, passphrase.read());
            Files.createDirectories(out);
            for (int i = 1; i <= count; i++) {
                SigningKey k = keyring.add(role, Keyring.NEXT + (i == 1 ? "" : "." + i));
                Path pub = out.resolve(role + "-" + k.keyid().substring(0, 16) + ".pub.json");
                Files.write(pub, Json.write(k.key().toJson()));
                System.out.println("new " + role + " key " + k.keyid() + ": public half in " + pub);
            }
            return Main.OK;
        }
    }

    /** {@code keys pkcs11 --pkcs11 CONFIG}: the public halves of a token's keys, for a rotation onto it. */
    @Command(name = "pkcs11", mixinStandardHelpOptions = true,
            description = {"List a PKCS#11 token's keys and write their public halves.",
                    "The keys are ECDSA P-256 keys the token holds (made with keytool -genkeypair -storetype PKCS11, or the token's own tools). Give the written files to `samizdat keys rotate ARCHIVE root --new-key FILE`; later, `samizdat sign --pkcs11 CONFIG` signs with them."})
    static final class Pkcs11 implements Callable<Integer> {
        @Option(names = "--pkcs11", required = true, paramLabel = "CONFIG", description = "A SunPKCS11 configuration file.")
        Path config;

        @Option(names = "--pin-file", paramLabel = "FILE",
                description = "The token's PIN, first line of FILE (default: the " + SignCommand.PIN_ENV + " environment variable).")
        Path pinFile;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
                description = "Where to write the public keys (default: the current directory).")
        Path out;

        @Override
        public Integer call() throws Exception {
            List<org.samizdat.repo.HardwareKey> keys = org.samizdat.repo.HardwareKey.open(config,
                    PassphraseOptions.read(pinFile, SignCommand.PIN_ENV));
            if (keys.isEmpty()) {
                System.err.println("samizdat: the token holds no ECDSA P-256 key with a certificate");
                return Main.ERROR;
            }
            Files.createDirectories(out);
            for (var k : keys) {
                Path pub = out.resolve(k.alias().replaceAll("[^A-Za-z0-9._-]", "_") + ".pub.json");
                Files.write(pub, Json.write(k.key().toJson()));
                System.out.println(k.alias() + ": key " + k.keyid() + ", public half in " + pub);
            }
            return Main.OK;
        }
    }
}
