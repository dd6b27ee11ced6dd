/**
 * The mirror registry: registrations ({@code POST /api/mirrors}), probes of every registered
 * copy (reachability, freshness, integrity against the signed metadata), the history of probes in
 * an embedded database, and the signed mirror list it publishes with the {@code mirrors} key.
 */
package org.samizdat.registry;
