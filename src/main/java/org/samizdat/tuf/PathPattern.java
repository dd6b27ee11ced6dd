package org.samizdat.tuf;

/**
 * TUF's PATHPATTERN: pattern and target are split on '/', must have as many segments, and each
 * segment matches as a shell glob where '*' and '?' never cross '/' (spec "targets.json",
 * python-tuf's {@code _is_target_in_pathpattern}), with fnmatch's character classes:
 * {@code [abc]}, {@code [a-z]}, {@code [!abc]}; a '[' with no closing ']' is itself.
 */
public final class PathPattern {
    private PathPattern() {
    }

    public static boolean matches(String pattern, String target) {
        String[] p = pattern.split("/", -1);
        String[] t = target.split("/", -1);
        if (p.length != t.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!glob(p[i], 0, t[i], 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the pattern token at {@code pi} ('?', a class, or a literal) ends if it matches
     * {@code c}, or -1 if it does not. Not called on '*'.
     */
    private static int one(String p, int pi, char c) {
        char t = p.charAt(pi);
        if (t == '?') {
            return pi + 1;
        }
        if (t == '[') {
            int i = pi + 1;
            boolean negate = i < p.length() && p.charAt(i) == '!';
            if (negate) {
                i++;
            }
            int first = i;
            // fnmatch: a ']' first in the class is a member; the class ends at the next ']'
            int end = p.indexOf(']', first < p.length() && p.charAt(first) == ']' ? first + 1 : first);
            if (end > first) {
                boolean in = false;
                for (int k = first; k < end; k++) {
                    if (k + 2 < end && p.charAt(k + 1) == '-') {
                        in |= p.charAt(k) <= c && c <= p.charAt(k + 2);
                        k += 2;
                    } else {
                        in |= p.charAt(k) == c;
                    }
                }
                return in != negate ? end + 1 : -1;
            }
            // no closing ']': a literal '['
        }
        return t == c ? pi + 1 : -1;
    }

    private static boolean glob(String p, int pi, String s, int si) {
        // iterative wildcard match with backtracking to the last '*' (linear in practice, never exponential)
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            int next = pi < p.length() && p.charAt(pi) != '*' ? one(p, pi, s.charAt(si)) : -1;
            if (next >= 0) {
                pi = next;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
