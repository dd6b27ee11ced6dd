package org.samizdat.repo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.Root;
import org.samizdat.tuf.TufException;
import org.samizdat.store.Store;

/** Every {@code N.root.json} of a store, from 1 up, each verified as the spec's root update requires. */
public final class RootChain {
    private RootChain() {
    }

    /** The roots in order; fails on the first break in the chain. */
    public static List<Root> walk(Store store) throws IOException, TufException {
        List<Root> roots = new ArrayList<>();
        Root trusted = null;
        for (long n = 1; ; n++) {
            String file = n + ".root.json";
            var bytes = store.get(Head.META + file);
            if (bytes.isEmpty()) {
                break;
            }
            Metadata m = Metadata.parse(file, bytes.get(), "root");
            Root next = Root.from(m);
            // Spec 5.3.4-5.3.5: N+1 is signed by a threshold of N's root keys and of its own, and is version N+1.
            if (trusted != null) {
                m.verifyThreshold(trusted.role("root"), trusted.keys());
            }
            m.verifyThreshold(next.role("root"), next.keys());
            if (next.version() != n) {
                throw new TufException(file, "root version", "holds version " + next.version() + ", expected " + n);
            }
            roots.add(next);
            trusted = next;
        }
        if (roots.isEmpty()) {
            throw new TufException("1.root.json", "file present", "missing: this is not a TUF archive");
        }
        return roots;
    }
}
