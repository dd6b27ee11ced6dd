package org.samizdat.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A request for many archive documents in one response ({@code POST /api/bundle}, FORMAT.md
 * section 10): the stored names of up to {@link #MAX_FILES} documents under {@code targets/}, one
 * per line; the answer is their bytes back to back, in the order asked, with no framing. The
 * client knows each document's signed length and sha256, so it splits the stream and verifies
 * every document before naming it; the bundle itself carries no trust.
 */
public record BundleRequest(List<String> names) {
    /** Where a node takes bundle requests. */
    public static final String PATH = "/api/bundle";
    /** Documents per request. */
    public static final int MAX_FILES = 1000;
    /** Bytes of documents per request a client asks for (a server streams what it is asked). */
    public static final long MAX_BYTES = 64L << 20;
    /** A request body's size cap: MAX_FILES names of at most 1 KB each. */
    public static final int MAX_BODY = MAX_FILES * 1024;

    public BundleRequest {
        names = List.copyOf(names);
        if (names.isEmpty() || names.size() > MAX_FILES) {
            throw new IllegalArgumentException("a bundle names 1 to " + MAX_FILES + " documents, not " + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            String problem = problem(n);
            if (problem != null) {
                throw new IllegalArgumentException("a bundle cannot name \"" + n.replace("\0", "\\0") + "\": " + problem);
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("a bundle names " + n + " twice");
            }
        }
    }

    /** Why a name is not a stored document's name, or null: under targets/, plain segments, no dot-names. */
    private static String problem(String name) {
        if (name.length() > 1000 || !name.startsWith("targets/") || name.indexOf('\\') >= 0) {
            return "not a stored name under targets/";
        }
        for (String segment : name.substring("targets/".length()).split("/", -1)) {
            // empty, ".", ".." and ".tmp-*" (unverified bytes being written) are never archive files
            if (segment.isEmpty() || segment.startsWith(".")) {
                return "has an empty segment or one starting with '.'";
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    return "has a control character";
                }
            }
        }
        return null;
    }

    public static BundleRequest parse(byte[] body) {
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("a bundle request is at most " + MAX_BODY + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                names.add(line);
            }
        }
        return new BundleRequest(names);
    }

    public byte[] body() {
        return (String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
