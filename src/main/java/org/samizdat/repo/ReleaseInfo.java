package org.samizdat.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Json;
import org.samizdat.archive.TargetPath;
import org.samizdat.store.Store;
import org.samizdat.tuf.Metadata;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;

/** A release as readers see it: id, title, publication time and document count, from its signed manifest. */
public record ReleaseInfo(String id, String title, String published, long documents) {
    /**
     * The releases of the version a store currently serves, oldest first. Reads the releases role
     * and each release's manifest; the store's content is trusted (it was verified when written).
     */
    public static List<ReleaseInfo> list(Store store) throws IOException, TufException {
        Head head = Head.load(store);
        Targets releases = Targets.from(Head.loadRole(store, head.snapshot(), Publisher.RELEASES_ROLE,
                head.targets().keysForChild(Publisher.RELEASES_ROLE), head.targets().delegationKeys()));
        List<ReleaseInfo> out = new ArrayList<>();
        for (String id : releases.childNames()) {
            Metadata m = Head.loadRole(store, head.snapshot(), id, releases.keysForChild(id), releases.delegationKeys());
            Targets role = Targets.from(m);
            String path = id + "/" + Intake.RELEASE_MANIFEST;
            TargetFile manifest = role.targets().get(path);
            if (manifest == null && role.succinct() != null) {
                String bin = role.succinct().binFor(path);
                manifest = Targets.from(Head.loadRole(store, head.snapshot(), bin, role.succinct().keysFor(bin),
                        role.delegationKeys())).targets().get(path);
            }
            if (manifest == null) {
                out.add(new ReleaseInfo(id, id, "", 0));
                continue;
            }
            byte[] bytes = store.get("targets/" + new TargetPath(path).hashedName(manifest.sha256())).orElse(null);
            if (bytes == null) {
                out.add(new ReleaseInfo(id, id, "", 0));
                continue;
            }
            Map<String, Object> j = Json.parseObject(bytes);
            out.add(new ReleaseInfo(id, String.valueOf(j.getOrDefault("title", id)), String.valueOf(j.getOrDefault("published", "")),
                    j.get("documents") instanceof Long n ? n : 0));
        }
        return out;
    }

    @Override
    public String toString() {
        return new String(Json.write(Map.of("id", id, "title", title)), StandardCharsets.UTF_8);
    }
}
