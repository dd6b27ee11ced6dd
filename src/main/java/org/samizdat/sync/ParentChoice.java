package org.samizdat.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.samizdat.repo.MirrorList;

/**
 * Which listed mirror a mirror copies from. Only mirrors listed before this one are candidates, so
 * parents are always older than their children: the copies form a tree rooted at the origin (no
 * cycle, whoever dies), and a random choice among the current ones makes it a random recursive
 * tree, whose depth and largest fan-out grow as log N. The origin then serves only the first
 * mirrors; everyone else copies from a peer.
 */
public final class ParentChoice {
    private ParentChoice() {
    }

    /**
     * A parent for {@code self} (its base URL, or null when it has none) among the mirrors of
     * {@code list}, excluding {@code avoid}: one of the mirrors listed before {@code self} with
     * the least lag, chosen at random; null when there is none.
     */
    public static String choose(MirrorList list, String self, List<String> avoid, Random random) {
        Instant mine = Instant.MAX;
        for (MirrorList.Entry e : list.mirrors()) {
            if (self != null && e.urls().contains(self)) {
                mine = e.firstSeen();
            }
        }
        List<MirrorList.Entry> older = new ArrayList<>();
        long leastLag = Long.MAX_VALUE;
        for (MirrorList.Entry e : list.mirrors()) {
            String url = e.urls().getFirst();
            if (e.firstSeen().isBefore(mine) && (self == null || !e.urls().contains(self)) && !avoid.contains(url)) {
                older.add(e);
                leastLag = Math.min(leastLag, e.lagSeconds());
            }
        }
        long best = leastLag;
        List<MirrorList.Entry> fresh = older.stream().filter(e -> e.lagSeconds() == best).toList();
        return fresh.isEmpty() ? null : fresh.get(random.nextInt(fresh.size())).urls().getFirst();
    }
}
