/**
 * Long-running work on this machine, whatever it works on: items processed in parallel, progress
 * reported to whoever draws it, and heap handed back once a large job ends. JDK only.
 */
package org.samizdat.work;
