package org.samizdat.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The cheap check a node makes before it creates anything: can it listen where it was asked to? */
final class PortCheck {
    private PortCheck() {
    }

    /** Fails with a {@link java.net.BindException} (reported as "port in use, try --port") when it cannot. */
    static void free(String bind, int port) throws IOException {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getByName(bind), port), 1);
        }
    }
}
