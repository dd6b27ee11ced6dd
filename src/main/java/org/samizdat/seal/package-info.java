/**
 * Sealed releases ("insurance files"): documents encrypted now as one OpenPGP file that gpg opens,
 * committed to in the signed metadata, opened on every node when anyone posts the key, and the
 * key's Shamir shares for trustees. The only package that uses Bouncy Castle and Commons
 * Compress; the format rules it follows are in {@code repo} (SealedRelease, SealedManifest).
 */
package org.samizdat.seal;
