package org.samizdat.archive;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated target path: segments of {@code [A-Za-z0-9._-]} joined by {@code /}, no empty,
 * {@code .} or {@code ..} segment, no leading slash. TUF clients build download URLs from these
 * paths and hash them to pick a bin, so the alphabet is kept to what survives every URL library
 * and every file system unchanged.
 */
public record TargetPath(String value) implements Comparable<TargetPath> {
    public static final int MAX_LENGTH = 1024;
    public static final int MAX_SEGMENT = 200;
    public static final int MAX_DEPTH = 16;

    public TargetPath {
        Optional<String> problem = problem(value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("target path \"" + escape(value) + "\": " + problem.get());
        }
    }

    /** Why a string is not a valid target path, or empty when it is. */
    public static Optional<String> problem(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.of("is empty");
        }
        if (path.length() > MAX_LENGTH) {
            return Optional.of("is longer than " + MAX_LENGTH + " characters");
        }
        if (path.startsWith("/")) {
            return Optional.of("starts with '/'");
        }
        String[] segments = path.split("/", -1);
        if (segments.length > MAX_DEPTH) {
            return Optional.of("has more than " + MAX_DEPTH + " segments");
        }
        for (String s : segments) {
            if (s.isEmpty()) {
                return Optional.of("has an empty segment");
            }
            if (s.equals(".") || s.equals("..")) {
                return Optional.of("has a '" + s + "' segment");
            }
            if (s.length() > MAX_SEGMENT) {
                return Optional.of("has a segment longer than " + MAX_SEGMENT + " characters");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!allowed(c)) {
                    return Optional.of("has the character '" + printable(c)
                            + "' (allowed: letters A-Z a-z, digits, '.', '_', '-')");
                }
            }
        }
        return Optional.empty();
    }

    static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    /**
     * Turns an arbitrary name into a valid segment: accents stripped, any other run of disallowed
     * characters replaced by one '-'. Used only when the user asks for it.
     */
    public static String normaliseSegment(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder();
        boolean dash = false;
        for (int i = 0; i < decomposed.length(); i++) {
            char c = decomposed.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK) {
                continue;
            }
            if (allowed(c)) {
                sb.append(c);
                dash = false;
            } else if (!dash) {
                sb.append('-');
                dash = true;
            }
        }
        String s = sb.toString();
        if (s.isEmpty() || s.equals("-") || s.equals(".") || s.equals("..")) {
            s = "_" + s.replace(".", "_");
        }
        return s.length() > MAX_SEGMENT ? s.substring(0, MAX_SEGMENT) : s;
    }

    /** Segments of this path. */
    public List<String> segments() {
        return List.of(value.split("/"));
    }

    public int depth() {
        return segments().size();
    }

    /** The last segment. */
    public String basename() {
        int slash = value.lastIndexOf('/');
        return value.substring(slash + 1);
    }

    /** Everything before the last segment, or "" for a top-level path. */
    public String dirname() {
        int slash = value.lastIndexOf('/');
        return slash < 0 ? "" : value.substring(0, slash);
    }

    /** The consistent-snapshot file name: {@code dir/HASH.basename}. */
    public String hashedName(String sha256Hex) {
        String dir = dirname();
        return (dir.isEmpty() ? "" : dir + "/") + sha256Hex + "." + basename();
    }

    public TargetPath under(String prefix) {
        return new TargetPath(prefix + "/" + value);
    }

    @Override
    public int compareTo(TargetPath o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** Splits a path into segments for callers that must report every bad segment. */
    public static List<String> split(String path) {
        return new ArrayList<>(List.of(path.split("/", -1)));
    }

    private static String printable(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("U+%04X", (int) c);
        }
        if (c > 0x7e) {
            return c + String.format(" U+%04X", (int) c);
        }
        return String.valueOf(c);
    }

    private static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.length() > 120 ? sb.substring(0, 120) + "…" : sb.toString();
    }
}
