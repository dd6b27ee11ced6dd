package org.samizdat.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.samizdat.seal.KeyShares;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samizdat open-key}: combine trustees' Shamir shares into a sealed release's key. */
@Command(name = "open-key", mixinStandardHelpOptions = true,
        description = {"Combine trustees' key shares into a sealed release's key.",
                "Any K of the N shares `seal --shares K-of-N` wrote give the key back; fewer give nothing. The result is checked against the sha256 the shares (and the signed release) commit to, so a wrong or damaged share is reported, never a wrong key. Prints the key, or writes it with -o; then post it with samizdat unseal."})
final class OpenKeyCommand implements Callable<Integer> {
    @Option(names = "--share", required = true, paramLabel = "FILE", description = "A share file (repeat for each share).")
    List<Path> shares = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the key to FILE instead of printing it (default: print it).")
    Path output;

    @Override
    public Integer call() throws Exception {
        List<KeyShares.Share> given = new ArrayList<>();
        for (Path p : shares) {
            given.add(KeyShares.Share.parse(p.toString(), Files.readAllBytes(p)));
        }
        String key;
        try {
            key = KeyShares.combine(given);
        } catch (IllegalArgumentException e) {
            System.err.println("samizdat open-key: " + e.getMessage());
            return Main.VERIFICATION_FAILED;
        }
        if (output != null) {
            Files.writeString(output, key + "\n");
            System.out.println("The key of " + given.get(0).release() + " (sha256 " + given.get(0).keySha256() + ") is in " + output);
        } else {
            System.out.println(key);
        }
        return Main.OK;
    }
}
