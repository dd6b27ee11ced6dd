package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samizdat.store.FileStore;

class CatalogTest {
    @TempDir
    Path tmp;

    @Test
    void aBinnedReleaseIsListedBinByBinInPathOrderAndTheBinsTogetherAreTheWholeRelease() throws Exception {
        TestArchive a = TestArchive.create(tmp);
        a.stage("big", 4200);
        a.publish(null);
        Catalog catalog = Catalog.open(new FileStore(a.publicDir()));
        List<List<Catalog.Entry>> parts = new ArrayList<>();
        long version = catalog.eachPart("r0001", (docs, withdrawn) -> {
            parts.add(List.copyOf(docs));
            assertTrue(withdrawn.isEmpty());
        });
        assertEquals(1 + 16, parts.size(), "the role's own targets, then its 16 bins");
        assertTrue(parts.getFirst().isEmpty(), "the role itself lists only the manifest and the torrent");
        for (List<Catalog.Entry> part : parts) {
            assertTrue(part.size() < 4200);
            assertEquals(part.stream().sorted(Comparator.comparing(Catalog.Entry::path)).toList(), part);
        }
        List<Catalog.Entry> joined = new ArrayList<>(parts.stream().flatMap(List::stream).toList());
        joined.sort(Comparator.comparing(Catalog.Entry::path));
        Catalog.Release whole = catalog.release("r0001");
        assertEquals(4200, joined.size());
        assertEquals(whole.documents(), joined);
        assertEquals(whole.roleVersion(), version);
    }
}
