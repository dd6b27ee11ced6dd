package org.samizdat.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a node listens, what it serves, and the base URL readers reach it at ({@code publicUrl},
 * shown in commands on its pages; when null, taken from each request's Host) and its flood
 * defences; validated on construction.
 */
public record ServerConfig(String bind, int port, Path publicDir, String name, String publicUrl, FloodLimits limits) {
    public ServerConfig(String bind, int port, Path publicDir, String name) {
        this(bind, port, publicDir, name, null);
    }

    public ServerConfig(String bind, int port, Path publicDir, String name, String publicUrl) {
        this(bind, port, publicDir, name, publicUrl, FloodLimits.DEFAULTS);
    }

    public ServerConfig withLimits(FloodLimits newLimits) {
        return new ServerConfig(bind, port, publicDir, name, publicUrl, newLimits);
    }

    public ServerConfig {
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("--bind needs an address, for example 127.0.0.1 or 0.0.0.0");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535 (0 picks a free port), not " + port);
        }
        if (!Files.isDirectory(publicDir.resolve("metadata"))) {
            throw new IllegalArgumentException(publicDir + " holds no metadata/ directory: nothing to serve");
        }
        name = name == null || name.isBlank() ? "samizdat archive" : name;
        limits = limits == null ? FloodLimits.DEFAULTS : limits;
        if (publicUrl != null) {
            if (!publicUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
                throw new IllegalArgumentException("--public-url must be an http:// or https:// base URL, not " + publicUrl);
            }
            publicUrl = publicUrl.replaceAll("/+$", "");
        }
    }
}
