package org.samizdat.repo;

import org.samizdat.work.Progress;
import org.samizdat.work.Parallel;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.samizdat.archive.ContentType;
import org.samizdat.archive.DocumentMeta;
import org.samizdat.archive.TargetPath;

/**
 * Turns the files and directories given to {@code add} into documents to stage: target paths
 * checked against the archive's alphabet (every offender reported, renamed only on request),
 * hidden files skipped, and metadata read from {@code NAME.meta.json} sidecars or, for plain
 * text, from leading {@code Key: value} header lines.
 */
public final class Intake {
    public static final String SIDECAR = ".meta.json";
    /** The signed release manifest each release carries at its top. */
    public static final String RELEASE_MANIFEST = "_release.json";
    /** The release's torrent target, beside its manifest (docs/FORMAT.md section 6). */
    public static final String RELEASE_TORRENT = "_release.torrent";
    static final int HEADER_BYTES = 64 * 1024;

    /** What was found: the items to stage, every problem, the renames made, the hidden files skipped. */
    public record Result(List<Staging.Item> items, List<String> problems, List<String> renamed, int skippedHidden) {
    }

    private Intake() {
    }

    public static Result scan(List<Path> inputs, String prefix, boolean normalise) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> renamed = new ArrayList<>();
        Map<String, Path> byTarget = new TreeMap<>();
        Map<Path, Path> sidecars = new HashMap<>();
        int[] hidden = {0};
        if (prefix != null && !prefix.isEmpty()) {
            TargetPath.problem(prefix).ifPresent(p -> problems.add("--as " + prefix + ": " + p));
        }
        for (Path input : inputs) {
            if (!Files.exists(input)) {
                problems.add(input + ": no such file or directory");
                continue;
            }
            Path base = Files.isDirectory(input) ? input : input.getParent();
            String under = prefix != null && !prefix.isEmpty() ? prefix
                    : Files.isDirectory(input) ? nameOf(input) : "";
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(input)) {
                // the walk's own attributes say what each entry is: no second stat per file
                Files.walkFileTree(input, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
                        boolean regular = attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(p);
                        if (isHidden(input, p)) {
                            if (regular && p.getFileName().toString().startsWith(".")) {
                                hidden[0]++;
                            }
                        } else if (regular) {
                            files.add(p);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                        throw e;
                    }
                });
            } else {
                files.add(input);
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(SIDECAR)) {
                    sidecars.put(f.resolveSibling(name.substring(0, name.length() - SIDECAR.length())), f);
                    continue;
                }
                String rel = base == null ? name : base.relativize(f).toString().replace('\\', '/');
                String wanted = under.isEmpty() ? rel : under + "/" + rel;
                String target = wanted;
                if (normalise) {
                    List<String> segs = new ArrayList<>();
                    for (String s : TargetPath.split(wanted)) {
                        segs.add(TargetPath.normaliseSegment(s));
                    }
                    target = String.join("/", segs);
                    if (!target.equals(wanted)) {
                        renamed.add(wanted + " -> " + target);
                    }
                }
                var problem = TargetPath.problem(target);
                if (problem.isPresent()) {
                    problems.add(f + ": " + problem.get());
                    continue;
                }
                if (target.split("/").length >= TargetPath.MAX_DEPTH) {
                    problems.add(f + ": target path " + target + " is deeper than " + (TargetPath.MAX_DEPTH - 1)
                            + " segments (the release prefix takes one more)");
                    continue;
                }
                if (target.equals(RELEASE_MANIFEST) || target.equals(RELEASE_TORRENT) || SealedManifest.isOwnFile("r/" + target)) {
                    problems.add(f + ": the name " + target + " at the top of a release is reserved");
                    continue;
                }
                Path previous = byTarget.put(target, f);
                if (previous != null && !previous.equals(f)) {
                    problems.add(f + ": same target path " + target + " as " + previous);
                }
            }
        }
        // the sidecars, read on several threads: reading a small file costs more in waiting on the
        // file system than in CPU. A plain text's header lines are read by Staging as it copies the
        // text in, from the same single read.
        Map<Path, Path> sidecarOf = new HashMap<>(sidecars);
        List<Map.Entry<String, Path>> targets = new ArrayList<>(byTarget.entrySet());
        List<Object> metas = Parallel.map(targets, Staging.THREADS, "reading metadata", Progress.NONE, e -> {
            Path f = e.getValue();
            Path sidecar = sidecarOf.get(f);
            String contentType = ContentType.forName(f.getFileName().toString());
            if (sidecar == null) {
                return DocumentMeta.empty(contentType);
            }
            try {
                return DocumentMeta.fromSidecar(Files.readAllBytes(sidecar), contentType);
            } catch (IllegalArgumentException ex) {
                return f + ": bad metadata: " + sidecar.getFileName() + ": " + ex.getMessage();
            }
        });
        List<Staging.Item> items = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Path f = targets.get(i).getValue();
            boolean headers = !sidecars.containsKey(f) && ContentType.isPlainText(ContentType.forName(f.getFileName().toString()));
            sidecars.remove(f);
            if (metas.get(i) instanceof DocumentMeta meta) {
                items.add(new Staging.Item(f, new StagedDocument.Draft(new TargetPath(targets.get(i).getKey()), meta, headers)));
            } else {
                problems.add((String) metas.get(i));
            }
        }
        for (Map.Entry<Path, Path> orphan : sidecars.entrySet()) {
            if (!byTarget.containsValue(orphan.getKey())) {
                problems.add(orphan.getValue() + ": sidecar without a document named " + orphan.getKey().getFileName());
            }
        }
        return new Result(items, problems, renamed, hidden[0]);
    }

    private static boolean isHidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String nameOf(Path dir) {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? "" : n.toString();
    }
}
