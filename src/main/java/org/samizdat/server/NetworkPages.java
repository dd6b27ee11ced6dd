package org.samizdat.server;

import org.samizdat.server.ReaderPages.Page;
import java.util.Locale;
import java.util.Map;

/** The pages about the network of copies: the mirrors this node knows, and how to run one. */
final class NetworkPages extends PageGroup {
    NetworkPages(Context c) {
        super(c);
    }

    Page mirrors(String base) {
        Map<String, Object> m = model(base);
        Map<String, Object> s = status.snapshot();
        m.put("role", String.valueOf(s.getOrDefault("role", "node")));
        m.put("version", s.get("version"));
        m.put("upstream", s.get("upstream"));
        m.put("mirrors", otherMirrors(base));
        return Page.html(200, templates.render("mirrors", m));
    }

    Page runAMirror(String base) {
        Map<String, Object> m = model(base);
        String dir = config.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        m.put("dirName", (dir.isEmpty() ? "archive" : dir) + "-mirror");
        return Page.html(200, templates.render("run-a-mirror", m));
    }

}
