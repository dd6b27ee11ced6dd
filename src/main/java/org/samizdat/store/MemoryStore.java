package org.samizdat.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link Store} in memory, for tests and simulations. */
public final class MemoryStore implements Store {
    private final ConcurrentHashMap<String, byte[]> blobs = new ConcurrentHashMap<>();

    @Override
    public Optional<byte[]> get(String name) {
        byte[] b = blobs.get(Store.checkName(name));
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    @Override
    public Optional<InputStream> open(String name) {
        return get(name).map(ByteArrayInputStream::new);
    }

    @Override
    public long size(String name) {
        byte[] b = blobs.get(Store.checkName(name));
        return b == null ? -1 : b.length;
    }

    @Override
    public boolean exists(String name) {
        return blobs.containsKey(Store.checkName(name));
    }

    @Override
    public void put(String name, byte[] bytes) {
        blobs.put(Store.checkName(name), bytes.clone());
    }

    @Override
    public long put(String name, InputStream in) throws IOException {
        byte[] b = in.readAllBytes();
        put(name, b);
        return b.length;
    }

    @Override
    public void delete(String name) {
        blobs.remove(Store.checkName(name));
    }

    @Override
    public List<String> list(String prefix) {
        List<String> out = new ArrayList<>();
        for (String k : blobs.keySet()) {
            if (prefix.isEmpty() || k.startsWith(prefix + "/")) {
                out.add(k);
            }
        }
        return out;
    }
}
