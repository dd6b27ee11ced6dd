/**
 * An archive: a {@link org.samizdat.store.FileStore} of TUF metadata and targets plus the trust to
 * write or verify it. {@code Publisher} writes (targets, delegated roles, snapshot, timestamp
 * last); {@code Checker} verifies every byte.
 */
package org.samizdat.repo;
