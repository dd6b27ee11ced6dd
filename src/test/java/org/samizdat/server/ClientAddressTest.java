package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private static String key(String address) throws Exception {
        return ClientAddress.key(InetAddress.getByName(address));
    }

    @Test
    void ipv6AddressesCountByTheirSlash64() throws Exception {
        assertEquals(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertEquals("2001:db8:1:2::/64", key("2001:db8:1:2:aaaa::9"));
        assertNotEquals(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }

    @Test
    void ipv4AddressesCountOneByOneAndMappedOnesAsIpv4() throws Exception {
        assertNotEquals(key("127.0.0.2"), key("127.0.0.3"));
        assertEquals("192.0.2.7", key("::ffff:192.0.2.7"));
    }

    @Test
    void floodLimitsRefuseNonsenseWithTheOptionName() {
        assertEquals("--rate-pages must be 0 (off) or more, not -1", assertThrows(IllegalArgumentException.class,
                () -> new FloodLimits(1, -1, 1, 1, 1, Duration.ofSeconds(1), 1, 4, 1, 1, 5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FloodLimits(1, 1, 1, 1, 1, Duration.ofSeconds(1), 1, 4, 8, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> new FloodLimits(1, 1, 1, 1, 1, Duration.ofSeconds(1), 1, 4, 1, 1, 0));
    }
}
