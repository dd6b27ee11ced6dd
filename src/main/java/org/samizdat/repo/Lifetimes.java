package org.samizdat.repo;

import java.time.Duration;

/**
 * How long each role's signature is valid, and when a still-valid signature is renewed.
 * Defaults (DESIGN.md): timestamp 7 days, snapshot 30 days, releases and release roles 1 year,
 * targets and root 2 years.
 */
public record Lifetimes(Duration timestamp, Duration snapshot, Duration releases, Duration targets, Duration root) {
    public static final Lifetimes DEFAULT = new Lifetimes(Duration.ofDays(7), Duration.ofDays(30),
            Duration.ofDays(365), Duration.ofDays(730), Duration.ofDays(730));

    public Lifetimes {
        for (Duration d : new Duration[] {timestamp, snapshot, releases, targets, root}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("every lifetime must be positive");
            }
        }
        if (timestamp.compareTo(snapshot) > 0) {
            throw new IllegalArgumentException("the timestamp must not outlive the snapshot it pins");
        }
    }

    /** Renew a role once less than a third of its lifetime is left. */
    public static Duration renewWindow(Duration lifetime) {
        return lifetime.dividedBy(3);
    }
}
