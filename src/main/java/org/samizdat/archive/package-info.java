/**
 * The archive's vocabulary: JSON values and their canonical form, digests, target paths and
 * per-document metadata. Pure functions over bytes and strings; no I/O, no clock, JDK only.
 */
package org.samizdat.archive;
