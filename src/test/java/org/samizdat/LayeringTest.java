package org.samizdat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a package uses what DESIGN.md's layering forbids, by import or by a fully
 * qualified name in code: the security core ({@code archive}, {@code tuf}, {@code store}),
 * {@code repo} and {@code work} use only the JDK and the packages below them, nothing uses
 * {@code cli}, and every third-party library stays in the one package that owns it (Lucene and
 * the extractors in {@code search}; Jetty, the templates and Micrometer in {@code server};
 * Bouncy Castle and Commons Compress in {@code seal}; picocli in {@code cli}).
 */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/org/samizdat");
    /** Which project packages each package may import (its own is always allowed). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("archive", Set.of()),
            Map.entry("work", Set.of()),
            Map.entry("tuf", Set.of("archive")),
            Map.entry("store", Set.of("archive")),
            Map.entry("repo", Set.of("archive", "tuf", "store", "work")),
            Map.entry("sync", Set.of("archive", "tuf", "store", "repo", "work")),
            Map.entry("search", Set.of("archive", "tuf", "store", "repo", "work")),
            Map.entry("torrent", Set.of("archive", "tuf", "store", "repo", "work")),
            Map.entry("registry", Set.of("archive", "tuf", "store", "repo", "sync", "work")),
            Map.entry("seal", Set.of("archive", "tuf", "store", "repo", "work")),
            Map.entry("server", Set.of("archive", "tuf", "store", "repo", "sync", "search", "torrent", "registry", "seal", "work")),
            Map.entry("corpus", Set.of("repo", "work")));
    /** Packages that may import nothing outside the JDK. */
    private static final Set<String> JDK_ONLY = Set.of("archive", "tuf", "store", "repo", "work");
    /**
     * Every third-party library the main code may use, and the one package that may use it; a
     * library not listed here is a violation wherever it appears, so a new dependency is a
     * decision made in this file.
     */
    private static final Map<String, String> OWNER = Map.ofEntries(
            Map.entry("org.bouncycastle.", "seal"),
            Map.entry("org.apache.commons.compress.", "seal"),
            Map.entry("org.apache.lucene.", "search"),
            Map.entry("org.apache.pdfbox.", "search"),
            Map.entry("org.jsoup.", "search"),
            Map.entry("jakarta.mail.", "search"),
            Map.entry("org.eclipse.jetty.", "server"),
            Map.entry("io.pebbletemplates.", "server"),
            Map.entry("io.micrometer.", "server"),
            Map.entry("picocli.", "cli"));
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    /** A fully qualified name written in code: lower-case package segments, then a type. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])((?:java|javax|jdk|com|org|io|net|jakarta|picocli|ch|de|dev)\\.(?:[a-z_][a-z0-9_]*\\.)*[A-Z]\\w*)");
    /** Comments, string and character literals: text that names nothing. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "//[^\\n]*|/\\*(?s:.*?)\\*/|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\])'");

    @Test
    void everyPackageImportsOnlyWhatItsLayerAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String pkg = SOURCES.relativize(f).getName(0).toString();
                String src = Files.readString(f);
                Matcher m = IMPORT.matcher(src);
                while (m.find()) {
                    check(pkg, m.group(1), f, violations);
                }
                Matcher q = QUALIFIED.matcher(code(src));
                while (q.find()) {
                    check(pkg, q.group(1), f, violations);
                }
            }
        }
        assertTrue(files > 20, "found only " + files + " source files under " + SOURCES.toAbsolutePath());
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /** The source without its package and import lines, comments and literals. */
    static String code(String src) {
        return NOT_CODE.matcher(src).replaceAll(" ").replaceAll("(?m)^(package|import) .*$", "");
    }

    private static void check(String pkg, String imported, Path file, List<String> violations) {
        if (imported.startsWith("java.") || imported.startsWith("javax.") || imported.startsWith("jdk.")) {
            return;
        }
        if (imported.startsWith("org.samizdat.")) {
            String target = imported.split("\\.")[2];
            if (target.equals(pkg) || pkg.equals("cli")) {
                return;
            }
            if (!ALLOWED.getOrDefault(pkg, Set.of()).contains(target)) {
                violations.add(file + ": package " + pkg + " may not import " + imported);
            }
            return;
        }
        if (JDK_ONLY.contains(pkg)) {
            violations.add(file + ": package " + pkg + " is JDK-only but imports " + imported);
            return;
        }
        for (Map.Entry<String, String> o : OWNER.entrySet()) {
            if (imported.startsWith(o.getKey())) {
                if (!o.getValue().equals(pkg)) {
                    violations.add(file + ": only package " + o.getValue() + " may use " + imported);
                }
                return;
            }
        }
        violations.add(file + ": " + imported + " is a library no package is allowed to use (see LayeringTest.OWNER)");
    }

    @Test
    void theCheckCatchesAForbiddenImport() {
        List<String> v = new ArrayList<>();
        check("tuf", "com.fasterxml.jackson.databind.ObjectMapper", Path.of("X.java"), v);
        check("archive", "org.samizdat.tuf.Key", Path.of("Y.java"), v);
        check("repo", "org.samizdat.cli.Main", Path.of("Z.java"), v);
        check("cli", "picocli.CommandLine", Path.of("W.java"), v);
        check("server", "org.apache.lucene.search.Query", Path.of("V.java"), v);
        check("search", "org.apache.lucene.search.Query", Path.of("U.java"), v);
        check("server", "io.micrometer.core.instrument.Counter", Path.of("T.java"), v);
        check("cli", "io.micrometer.core.instrument.Counter", Path.of("S.java"), v);
        check("search", "com.google.common.collect.ImmutableList", Path.of("R.java"), v);
        assertEquals(6, v.size(), v.toString());
    }

    @Test
    void fullyQualifiedNamesInCodeAreCheckedButNotThoseInCommentsOrStrings() {
        String src = "package org.samizdat.tuf;\n/** see {@link org.eclipse.jetty.server.Server} */\n"
                + "class X { String s = \"org.apache.lucene.search.Query\"; // org.jsoup.Jsoup\n"
                + "  Object o = new org.samizdat.sync.Mirror(); int n = picocli.CommandLine.ExitCode.OK; }";
        Matcher q = QUALIFIED.matcher(code(src));
        List<String> found = new ArrayList<>();
        while (q.find()) {
            found.add(q.group(1));
        }
        assertEquals(List.of("org.samizdat.sync.Mirror", "picocli.CommandLine"), found);
    }
}
