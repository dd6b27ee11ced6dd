package org.samizdat.server;

import java.util.Map;

/** What {@code /api/status} reports: supplied by the origin or the mirror that runs the server. */
@FunctionalInterface
public interface NodeStatus {
    /** A JSON-ready map: role, version, last sync, upstream, lag, archive mode. */
    Map<String, Object> snapshot();
}
