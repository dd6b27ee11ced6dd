package org.samizdat.repo;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.samizdat.store.Store;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;

/** Every {@code N.root.json} of a store, from 1 up, each admitted by the client's root update rules (spec 5.2-5.3). */
public final class RootChain {
    private RootChain() {
    }

    /** The roots in order; fails on the first break in the chain. Expiry is not judged here. */
    public static List<Root> walk(Store store) throws IOException, TufException {
        var first = store.get(Head.META + "1.root.json");
        if (first.isEmpty()) {
            throw new TufException("1.root.json", "file present", "missing: this is not a TUF archive");
        }
        TrustedSet trusted = new TrustedSet(first.get(), Instant.EPOCH, true);
        List<Root> roots = new ArrayList<>(List.of(trusted.root()));
        for (long n = 2; ; n++) {
            String file = n + ".root.json";
            var bytes = store.get(Head.META + file);
            if (bytes.isEmpty()) {
                return roots;
            }
            roots.add(trusted.updateRoot(file, bytes.get()));
        }
    }
}
