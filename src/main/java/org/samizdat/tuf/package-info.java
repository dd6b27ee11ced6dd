/**
 * TUF 1.0 metadata: keys and Ed25519 signatures, the signed envelope, the four top-level roles,
 * delegations (classic and TAP 15 succinct hash bins) and threshold verification. Works on bytes
 * and an {@code Instant} handed in; no I/O, no clock, JDK only.
 */
package org.samizdat.tuf;
