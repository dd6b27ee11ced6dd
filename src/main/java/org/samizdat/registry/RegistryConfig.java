package org.samizdat.registry;

import java.time.Duration;

/**
 * How a registry probes and lists mirrors, validated.
 *
 * @param probeEvery       how often every registered mirror is probed
 * @param timeout          per request of a probe
 * @param concurrency      probes in flight at once
 * @param documentsPerProbe random documents each probe downloads and checks
 * @param lagAllowance     how long a mirror may serve an older version and still be listed
 * @param graceUnreachable how long a listed mirror that stopped answering stays listed
 * @param forgetAfter      how long an unreachable registrant is kept before it is forgotten
 * @param refreshListEvery the list is re-signed at least this often (freshness figures), else only when it changes
 * @param registrationsPerHour per client address
 * @param allowPrivate     probe loopback, private and link-local addresses (tests on one machine only)
 */
public record RegistryConfig(Duration probeEvery, Duration timeout, int concurrency, int documentsPerProbe,
                             Duration lagAllowance, Duration graceUnreachable, Duration forgetAfter,
                             Duration refreshListEvery, int registrationsPerHour, boolean allowPrivate) {
    public static final RegistryConfig DEFAULT = new RegistryConfig(Duration.ofMinutes(1), Duration.ofSeconds(10), 64, 2,
            Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(1), Duration.ofHours(1), 10, false);

    public RegistryConfig {
        for (Duration d : new Duration[] {probeEvery, timeout, lagAllowance, graceUnreachable, forgetAfter, refreshListEvery}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("registry durations must not be negative");
            }
        }
        if (probeEvery.isZero() || timeout.isZero()) {
            throw new IllegalArgumentException("the probe interval and timeout must be positive");
        }
        if (concurrency < 1 || concurrency > 1024 || documentsPerProbe < 0 || documentsPerProbe > 100
                || registrationsPerHour < 1) {
            throw new IllegalArgumentException("concurrency 1-1024, documents per probe 0-100, registrations per hour >= 1");
        }
    }

    public RegistryConfig allowingPrivate() {
        return new RegistryConfig(probeEvery, timeout, concurrency, documentsPerProbe, lagAllowance, graceUnreachable,
                forgetAfter, refreshListEvery, registrationsPerHour, true);
    }
}
