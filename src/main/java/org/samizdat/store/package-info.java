/**
 * Byte storage behind one small interface: atomic put, get, list. A file system version and an
 * in-memory version for tests. Knows nothing about TUF; JDK only.
 */
package org.samizdat.store;
