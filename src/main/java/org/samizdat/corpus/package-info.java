/** A deterministic synthetic corpus of diplomatic-cable-like documents, for the demo and the benchmarks. */
package org.samizdat.corpus;
