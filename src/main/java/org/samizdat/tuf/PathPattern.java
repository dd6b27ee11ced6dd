package org.samizdat.tuf;

/**
 * TUF's PATHPATTERN: pattern and target are split on '/', must have as many segments, and each
 * segment matches as a shell glob where '*' and '?' never cross '/' (spec "targets.json",
 * python-tuf's {@code _is_target_in_pathpattern}).
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

    private static boolean glob(String p, int pi, String s, int si) {
        // iterative wildcard match with backtracking to the last '*'
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
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
