package org.samizdat;

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
 * Fails the build when a package imports what DESIGN.md's layering forbids: the security core
 * ({@code archive}, {@code tuf}, {@code store}) and {@code repo} import only the JDK and the
 * packages below them, nothing imports {@code cli}, and Lucene and the extractors stay in
 * {@code search}, Jetty and the templates in {@code server}.
 */
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/org/samizdat");
    /** Which project packages each package may import (its own is always allowed). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "archive", Set.of(),
            "tuf", Set.of("archive"),
            "store", Set.of("archive"),
            "repo", Set.of("archive", "tuf", "store"),
            "sync", Set.of("archive", "tuf", "store", "repo"),
            "search", Set.of("archive", "tuf", "store", "repo"),
            "torrent", Set.of("archive", "tuf", "store", "repo"),
            "registry", Set.of("archive", "tuf", "store", "repo", "sync"),
            "server", Set.of("archive", "tuf", "store", "repo", "sync", "search", "torrent", "registry"),
            "corpus", Set.of("repo"));
    /** Packages that may import nothing outside the JDK. */
    private static final Set<String> JDK_ONLY = Set.of("archive", "tuf", "store", "repo");
    /** Third-party libraries that only one package may import. */
    private static final Map<String, String> OWNER = Map.of(
            "org.apache.lucene.", "search",
            "org.apache.pdfbox.", "search",
            "org.jsoup.", "search",
            "jakarta.mail.", "search",
            "org.eclipse.jetty.", "server",
            "io.pebbletemplates.", "server");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\borg\\.samizdat\\.(\\w+)\\.");

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
                Matcher q = QUALIFIED.matcher(src.replaceAll("(?m)^(package|import) .*$", ""));
                while (q.find()) {
                    check(pkg, "org.samizdat." + q.group(1) + ".X", f, violations);
                }
            }
        }
        assertTrue(files > 20, "found only " + files + " source files under " + SOURCES.toAbsolutePath());
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    private static void check(String pkg, String imported, Path file, List<String> violations) {
        if (imported.startsWith("java.") || imported.startsWith("javax.")) {
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
        OWNER.forEach((prefix, owner) -> {
            if (imported.startsWith(prefix) && !owner.equals(pkg)) {
                violations.add(file + ": only package " + owner + " may import " + imported);
            }
        });
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
        assertTrue(v.size() == 4, v.toString());
    }
}
