package org.samizdat.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Whom a limit counts: an IPv4 address, or the /64 network of an IPv6 address (one household or
 * server gets a whole /64, so counting single IPv6 addresses would count nothing). An IPv4 address
 * mapped into IPv6 counts as the IPv4 address. The key is kept in memory only, never logged.
 */
final class ClientAddress {
    private ClientAddress() {
    }

    static String key(SocketAddress remote) {
        if (remote instanceof InetSocketAddress s && s.getAddress() != null) {
            return key(s.getAddress());
        }
        return "unknown";
    }

    static String key(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            StringBuilder sb = new StringBuilder(20);
            for (int i = 0; i < 8; i += 2) {
                sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            }
            return sb.append(":/64").toString();
        }
        return "unknown";
    }
}
