package org.samizdat.cli;

/** Shows a sha256 fingerprint in groups of four, so a person can read it out and compare it. */
final class Fingerprint {
    private Fingerprint() {
    }

    static String grouped(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                sb.append(i % 32 == 0 ? "\n    " : " ");
            }
            sb.append(hex, i, Math.min(hex.length(), i + 4));
        }
        return sb.toString();
    }
}
