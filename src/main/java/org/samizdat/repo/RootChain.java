package org.samizdat.repo;

import java.io.IOException;
import java.time.Instant;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.ClientLimits;
import org.samizdat.tuf.TrustedSet;
import org.samizdat.tuf.TufException;

/** The root chain of a local tree: {@code 1.root.json} and every newer root, admitted by the client's rules (spec 5.2-5.3). */
public final class RootChain {
    private RootChain() {
    }

    /**
     * A trusted set holding the newest root of {@code store}, reached from {@code 1.root.json}
     * through {@link TrustedSet#followRoots}; fails on the first break in the chain.
     */
    public static TrustedSet trusted(FileStore store, Instant now, boolean acceptExpired) throws IOException, TufException {
        byte[] first = store.get(Head.META + "1.root.json").orElseThrow(() -> new TufException("1.root.json",
                TufException.MISSING, "missing: no complete version of an archive here yet"));
        TrustedSet trusted = new TrustedSet(first, now, acceptExpired);
        trusted.followRoots((file, max) -> store.get(Head.META + file), ClientLimits.DEFAULT, (file, bytes) -> { });
        return trusted;
    }
}
