package org.samizdat.registry;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.samizdat.archive.Json;
import org.samizdat.repo.MirrorList;

/**
 * A mirror's request to be listed: its public base URL, probed, and up to three other URLs of
 * the same copy (another name, an IP-literal URL, a {@code .onion} address) carried along
 * unprobed. The body is the URL as text, or JSON {@code {"url": ..., "also": [...]}}.
 */
public record Registration(String url, List<String> also) {
    /** A registration body is at most this many bytes. */
    public static final int MAX_BODY = 2048;

    public Registration {
        also = List.copyOf(also);
    }

    /** Parses and checks a body; fails with the reason a registrant is told. */
    public static Registration parse(byte[] body) {
        if (body.length > MAX_BODY) {
            throw new IllegalArgumentException("a registration is at most " + MAX_BODY + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String url;
        List<String> also = new ArrayList<>();
        if (text.startsWith("{")) {
            Map<String, Object> m;
            try {
                m = Json.parseObject(body);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
            }
            if (!(m.get("url") instanceof String u)) {
                throw new IllegalArgumentException("give {\"url\": \"https://your.mirror\"}");
            }
            url = u;
            if (m.get("also") instanceof List<?> more) {
                for (Object o : more) {
                    if (!(o instanceof String s)) {
                        throw new IllegalArgumentException("\"also\" is a list of URLs");
                    }
                    also.add(normal(s));
                }
            }
        } else {
            url = text;
        }
        url = normal(url);
        if (url.contains(".onion")) {
            throw new IllegalArgumentException("a .onion address cannot be probed from here; register the mirror's"
                    + " public URL and give the .onion address in \"also\"");
        }
        also.remove(url);
        if (also.size() > 3) {
            throw new IllegalArgumentException("at most three other URLs of the same mirror");
        }
        return new Registration(url, also);
    }

    private static String normal(String url) {
        String u = url.strip().replaceAll("/+$", "");
        if (!MirrorList.validUrl(u)) {
            throw new IllegalArgumentException("not a mirror URL: give http(s)://host[:port][/path], at most 300"
                    + " characters, no user, query or fragment");
        }
        return u;
    }

    /** The probed URL's host. */
    public String host() {
        return URI.create(url).getHost().replaceAll("^\\[|\\]$", "");
    }

    /**
     * Refuses an address this registry must not probe: loopback, private, link-local, unique-local,
     * multicast or unspecified (the registry must not become a scanner of its own network).
     */
    public static void requirePublic(String host, boolean allowPrivate) throws UnknownHostException {
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if (!allowPrivate && !isPublic(a)) {
                throw new IllegalArgumentException(host + " resolves to " + a.getHostAddress() + ", a private, loopback"
                        + " or link-local address; this registry probes only public addresses");
            }
        }
    }

    static boolean isPublic(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return !(first == 100 && second >= 64 && second < 128) // 100.64/10, carrier-grade NAT
                && first != 0 && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) && first < 224;
    }
}
