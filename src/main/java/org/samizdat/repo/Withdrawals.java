package org.samizdat.repo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.archive.JsonException;
import org.samizdat.archive.TargetPath;
import org.samizdat.tuf.TargetFile;
import org.samizdat.tuf.Targets;
import org.samizdat.tuf.TufException;
import org.samizdat.tuf.TufTime;

/**
 * The documents the publisher has withdrawn (docs/FORMAT.md section 7): one target,
 * {@code withdrawals.json}, listed by the top-level targets role, so only the offline targets key
 * can sign a withdrawal. Mirrors stop serving a withdrawn document, delete it and drop it from
 * search; its page shows this signed notice instead. The release that published it still lists
 * it (a published release never changes), so a reader can still check what was withdrawn.
 */
public record Withdrawals(Map<String, Notice> notices) {
    /** The target path of the list, outside every delegated release prefix. */
    public static final String PATH = "withdrawals.json";
    /** At most this many withdrawals, and this many characters in a reason. */
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_REASON = 2_000;
    public static final Withdrawals NONE = new Withdrawals(Map.of());

    /** Why and when one document was withdrawn. */
    public record Notice(String reason, Instant date) {
    }

    public Withdrawals {
        notices = java.util.Collections.unmodifiableMap(new TreeMap<>(notices));
    }

    public boolean contains(String path) {
        return notices.containsKey(path);
    }

    /** This list and one more withdrawal; the path must be a document's target path. */
    public Withdrawals with(String path, String reason, Instant date) {
        if (TargetPath.problem(path).isPresent() || path.equals(PATH)) {
            throw new IllegalArgumentException(path + " is not a document's path in the archive");
        }
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("give a reason of 1 to " + MAX_REASON + " characters");
        }
        if (notices.size() >= MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " documents can be withdrawn");
        }
        Map<String, Notice> next = new TreeMap<>(notices);
        next.put(path, new Notice(reason.strip(), date));
        return new Withdrawals(next);
    }

    /** Canonical JSON: {@code {"withdrawn": {PATH: {"date": ..., "reason": ...}}}}. */
    public byte[] toBytes() {
        Map<String, Object> list = new TreeMap<>();
        notices.forEach((path, n) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("date", TufTime.format(n.date()));
            m.put("reason", n.reason());
            list.put(path, m);
        });
        return CanonicalJson.encode(Map.of("withdrawn", list));
    }

    /** Parses the list's bytes, already checked against the length and sha256 the targets role signed. */
    public static Withdrawals parse(byte[] bytes) throws TufException {
        Map<String, Object> top;
        try {
            top = Json.parseObject(bytes);
        } catch (JsonException e) {
            throw new TufException(PATH, "withdrawals format", "not valid JSON: " + e.getMessage());
        }
        if (!(top.get("withdrawn") instanceof Map<?, ?> list) || list.size() > MAX_ENTRIES) {
            throw new TufException(PATH, "withdrawals format", "must hold a \"withdrawn\" object of at most "
                    + MAX_ENTRIES + " entries");
        }
        Map<String, Notice> notices = new TreeMap<>();
        for (Map.Entry<?, ?> e : list.entrySet()) {
            if (!(e.getKey() instanceof String path) || TargetPath.problem(path).isPresent()
                    || !(e.getValue() instanceof Map<?, ?> n) || !(n.get("reason") instanceof String reason)
                    || reason.length() > MAX_REASON || !(n.get("date") instanceof String date)) {
                throw new TufException(PATH, "withdrawals format", "every entry is a document path with a reason"
                        + " (at most " + MAX_REASON + " characters) and a date");
            }
            notices.put(path, new Notice(reason, TufTime.parse(PATH, date)));
        }
        return new Withdrawals(notices);
    }

    /** What the top-level targets role signs for the list, or null when it lists none. */
    public static TargetFile listedIn(Targets top) {
        return top == null ? null : top.targets().get(PATH);
    }

    /** The public tree's file name of the list with this hash (consistent snapshots, spec 5.7.2). */
    public static String fileName(String sha256) {
        return "targets/" + sha256 + "." + PATH;
    }
}
