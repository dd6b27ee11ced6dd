package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AddressFreeLogTest {
    @Test
    void everyAddressFormIsRedacted() {
        String line = AddressFreeLog.redact("from 203.0.113.7:4431, [2001:db8::1]:80, fe80::1%eth0, ::1 and ::ffff:10.0.0.1");
        assertEquals("from [address]:4431, [[address]]:80, [address], [address] and [address]", line);
    }

    @Test
    void versionsSizesAndPathsAreLeftAlone() {
        String text = "Jetty 12.1.5 served r0001/doc-1.txt (1,024 bytes) in 0.5 s";
        assertEquals(text, AddressFreeLog.redact(text));
    }

    @Test
    void aJettyWarningThroughSlf4jReachesStandardErrorWithoutTheClientAddress() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AddressFreeLog.install(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            LoggerFactory.getLogger("org.eclipse.jetty.server.HttpChannel").info("accepted 198.51.100.23");
            LoggerFactory.getLogger("org.eclipse.jetty.server.HttpChannel").warn("bad request from 198.51.100.23",
                    new IOException("reset by 2001:db8:1:2::7", new IOException("peer 198.51.100.23")));
            String out = err.toString(StandardCharsets.UTF_8);
            assertTrue(out.startsWith("samizdat: warning (HttpChannel): bad request from [address]: IOException reset by [address]"
                    + "; caused by IOException peer [address]"), out);
            assertFalse(out.contains("accepted"), "below WARNING nothing is printed: " + out);
            assertFalse(out.contains("198.51") || out.contains("2001:db8"), out);
        } finally {
            AddressFreeLog.install(System.err);
        }
    }
}
