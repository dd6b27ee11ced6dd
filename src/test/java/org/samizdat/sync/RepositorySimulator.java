package org.samizdat.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.samizdat.archive.CanonicalJson;
import org.samizdat.archive.Json;
import org.samizdat.archive.Sha256;
import org.samizdat.tuf.TufTime;

/**
 * An in-memory TUF repository for client tests, in the manner of python-tuf's RepositorySimulator:
 * a test edits the signed parts of any role as plain maps, publishes (which re-signs with the
 * role's current signers and bumps snapshot and timestamp), or serves any bytes it likes under any
 * name. As a {@link Remote} it records every request and enforces the client's size caps.
 */
final class RepositorySimulator implements Remote {
    final Instant now;
    final Map<String, List<TestSigner>> signers = new LinkedHashMap<>();
    final Map<String, Object> root;
    final Map<String, Object> timestamp;
    final Map<String, Object> snapshot;
    /** Every targets role's signed part, top-level "targets" first. */
    final Map<String, Map<String, Object>> targets = new LinkedHashMap<>();
    /** What is served, by file name. */
    final Map<String, byte[]> served = new TreeMap<>();
    final Map<String, byte[]> targetFiles = new TreeMap<>();
    final List<String> requests = new ArrayList<>();
    /** Extra signers for the next root only (the old keys during a rotation). */
    final List<TestSigner> extraRootSigners = new ArrayList<>();
    /** Lets a test change a role's bytes after they are signed (a lying mirror). */
    Consumer<Map<String, byte[]>> tamper = m -> { };
    /** Whether snapshot meta lists each targets file's length and sha256 (optional in TUF). */
    boolean hashesInSnapshot;

    RepositorySimulator(Instant now) {
        this.now = now;
        for (String role : List.of("root", "timestamp", "snapshot", "targets")) {
            signers.put(role, new ArrayList<>(List.of(TestSigner.ed25519())));
        }
        root = signed("root", 1);
        root.put("consistent_snapshot", true);
        root.put("keys", new TreeMap<String, Object>());
        root.put("roles", new TreeMap<String, Object>());
        for (String role : signers.keySet()) {
            roleKeys(role).put("threshold", 1L);
            for (TestSigner s : signers.get(role)) {
                keys().put(s.keyid(), s.key().toJson());
                keyids(role).add(s.keyid());
            }
        }
        timestamp = signed("timestamp", 0);
        snapshot = signed("snapshot", 0);
        targets.put("targets", targetsRole());
        publishRoot();
        publish();
    }

    Map<String, Object> signed(String type, long version) {
        Map<String, Object> m = new TreeMap<>();
        m.put("_type", type);
        m.put("spec_version", "1.0.31");
        m.put("version", version);
        m.put("expires", TufTime.format(now.plus(Duration.ofDays(30))));
        return m;
    }

    Map<String, Object> targetsRole() {
        Map<String, Object> t = signed("targets", 1);
        t.put("targets", new TreeMap<String, Object>());
        return t;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> keys() {
        return (Map<String, Object>) root.get("keys");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> roleKeys(String role) {
        return (Map<String, Object>) ((Map<String, Object>) root.get("roles"))
                .computeIfAbsent(role, r -> new TreeMap<>(Map.of("keyids", new ArrayList<>(), "threshold", 1L)));
    }

    @SuppressWarnings("unchecked")
    List<Object> keyids(String role) {
        return (List<Object>) roleKeys(role).get("keyids");
    }

    /** Replaces a top-level role's keys with {@code next} (a rotation; publishRoot makes it real). */
    void rotate(String role, List<TestSigner> next, long threshold) {
        for (Object id : keyids(role)) {
            keys().remove((String) id);
        }
        keyids(role).clear();
        signers.put(role, new ArrayList<>(next));
        for (TestSigner s : next) {
            keys().put(s.keyid(), s.key().toJson());
            keyids(role).add(s.keyid());
        }
        roleKeys(role).put("threshold", threshold);
    }

    static long version(Map<String, Object> signed) {
        return (Long) signed.get("version");
    }

    static void expire(Map<String, Object> signed, Instant when) {
        signed.put("expires", TufTime.format(when));
    }

    /** Signs the current root (by its keys and any extra signers) and serves it as N.root.json. */
    void publishRoot() {
        List<TestSigner> by = new ArrayList<>(signers.get("root"));
        by.addAll(extraRootSigners);
        extraRootSigners.clear();
        served.put(version(root) + ".root.json", sign(root, by));
    }

    /** Bumps root's version and publishes it. */
    void newRoot() {
        root.put("version", version(root) + 1);
        publishRoot();
    }

    /** Adds a target to a targets role (not yet published). */
    @SuppressWarnings("unchecked")
    void addTarget(String role, String path, byte[] content) {
        Map<String, Object> info = new TreeMap<>();
        info.put("length", (long) content.length);
        info.put("hashes", new TreeMap<>(Map.of("sha256", Sha256.hex(content))));
        ((Map<String, Object>) targets.get(role).get("targets")).put(path, info);
        targetFiles.put(path, content);
    }

    /**
     * Delegates from {@code parent} to a new role {@code name} with its own key; {@code paths} or,
     * when it starts with "#", hash prefixes. Returns the new role's signer.
     */
    @SuppressWarnings("unchecked")
    TestSigner delegate(String parent, String name, boolean terminating, String... paths) {
        TestSigner s = TestSigner.ed25519();
        Map<String, Object> d = (Map<String, Object>) targets.get(parent)
                .computeIfAbsent("delegations", k -> new TreeMap<>(Map.of("keys", new TreeMap<>(), "roles", new ArrayList<>())));
        ((Map<String, Object>) d.get("keys")).put(s.keyid(), s.key().toJson());
        Map<String, Object> role = new TreeMap<>();
        role.put("name", name);
        role.put("keyids", new ArrayList<>(List.of(s.keyid())));
        role.put("threshold", 1L);
        role.put("terminating", terminating);
        if (paths.length > 0 && paths[0].startsWith("#")) {
            role.put("path_hash_prefixes", new ArrayList<>(java.util.Arrays.stream(paths).map(p -> p.substring(1)).toList()));
        } else {
            role.put("paths", new ArrayList<>(List.of(paths)));
        }
        ((List<Object>) d.get("roles")).add(role);
        signers.put(name, new ArrayList<>(List.of(s)));
        targets.putIfAbsent(name, targetsRole());
        return s;
    }

    /** Adds one to a targets role's version (publish then signs it). */
    void bump(String role) {
        targets.get(role).put("version", version(targets.get(role)) + 1);
    }

    /** Signs every targets role, a new snapshot listing them and a new timestamp pinning it, and serves them. */
    void publish() {
        boolean consistent = (Boolean) root.get("consistent_snapshot");
        Map<String, Object> meta = new TreeMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : targets.entrySet()) {
            byte[] b = sign(e.getValue(), signers.get(e.getKey()));
            String file = TrustedState.fileName(e.getKey());
            files.put(consistent ? version(e.getValue()) + "." + file : file, b);
            Map<String, Object> entry = new TreeMap<>(Map.of("version", version(e.getValue())));
            if (hashesInSnapshot) {
                entry.put("length", (long) b.length);
                entry.put("hashes", new TreeMap<>(Map.of("sha256", Sha256.hex(b))));
            }
            meta.put(e.getKey() + ".json", entry);
        }
        snapshot.put("version", version(snapshot) + 1);
        snapshot.put("meta", meta);
        byte[] snap = sign(snapshot, signers.get("snapshot"));
        files.put(consistent ? version(snapshot) + ".snapshot.json" : "snapshot.json", snap);
        timestamp.put("version", version(timestamp) + 1);
        Map<String, Object> pin = new TreeMap<>();
        pin.put("version", version(snapshot));
        pin.put("length", (long) snap.length);
        pin.put("hashes", new TreeMap<>(Map.of("sha256", Sha256.hex(snap))));
        timestamp.put("meta", new TreeMap<>(Map.of("snapshot.json", pin)));
        files.put("timestamp.json", sign(timestamp, signers.get("timestamp")));
        tamper.accept(files);
        served.putAll(files);
    }

    /** Re-signs and serves only the timestamp (a new version pinning the current snapshot). */
    void publishTimestamp() {
        timestamp.put("version", version(timestamp) + 1);
        served.put("timestamp.json", sign(timestamp, signers.get("timestamp")));
    }

    static byte[] sign(Map<String, Object> signed, List<TestSigner> by) {
        byte[] canonical = CanonicalJson.encode(signed);
        List<Object> sigs = new ArrayList<>();
        for (TestSigner s : by) {
            sigs.add(new TreeMap<>(Map.of("keyid", s.keyid(), "sig", s.signHex(canonical))));
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("signatures", sigs);
        top.put("signed", signed);
        return Json.write(top);
    }

    byte[] trustedRoot() {
        return served.get("1.root.json");
    }

    @Override
    public Optional<byte[]> get(String path, long maxLength) throws SyncException {
        requests.add(path.substring(1));
        byte[] b = served.get(path.substring(1));
        if (b != null && b.length > maxLength) {
            throw new SyncException(SyncException.Kind.VERIFICATION, path + ": longer than the " + maxLength
                    + " bytes allowed [size cap]", null);
        }
        return Optional.ofNullable(b);
    }

    @Override
    public String url() {
        return "simulator:";
    }

    /** Requests made since the last call, then forgets them. */
    List<String> takeRequests() {
        List<String> r = List.copyOf(requests);
        requests.clear();
        return r;
    }

    /** Writes the served metadata under {@code dir/metadata} and the targets under {@code dir/targets} (hash-prefixed when consistent). */
    void exportTo(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("metadata"));
        for (Map.Entry<String, byte[]> e : served.entrySet()) {
            Files.write(dir.resolve("metadata").resolve(e.getKey()), e.getValue());
        }
        boolean consistent = (Boolean) root.get("consistent_snapshot");
        for (Map.Entry<String, byte[]> e : targetFiles.entrySet()) {
            String path = e.getKey();
            int slash = path.lastIndexOf('/');
            String name = consistent ? path.substring(0, slash + 1) + Sha256.hex(e.getValue()) + "." + path.substring(slash + 1) : path;
            Path f = dir.resolve("targets").resolve(name);
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
