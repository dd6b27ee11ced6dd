/** The command line: picocli, one class per command, wiring the packages below. Nothing imports it. */
package org.samizdat.cli;
