/**
 * The HTTP node every origin and mirror runs: Jetty 12.1 core handlers (no servlets) serving the
 * static TUF tree, the status API, metrics and pages. The only package that imports Jetty.
 */
package org.samizdat.server;
