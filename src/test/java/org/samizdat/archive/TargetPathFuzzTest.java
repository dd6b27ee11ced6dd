package org.samizdat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/** Fuzzes target-path validation: whatever it accepts must be a plain relative path inside the tree. */
class TargetPathFuzzTest {
    private static final Path ROOT = Path.of("/srv/archive/public/targets");

    /**
     * An accepted path resolves inside the targets directory to itself (nothing to normalise away),
     * has only plain segments, and survives a split and join unchanged; a segment made by
     * {@code normaliseSegment} from any name is itself accepted.
     */
    @FuzzTest(maxDuration = "10s")
    void acceptedPathsStayInsideTheTreeAndNormalisedNamesAreAccepted(FuzzedDataProvider data) {
        String name = data.consumeString(300);
        String path = data.consumeRemainingAsString();
        if (TargetPath.problem(path).isEmpty()) {
            Path resolved = ROOT.resolve(path);
            assertTrue(resolved.normalize().startsWith(ROOT), path);
            assertEquals(resolved, resolved.normalize(), path);
            assertEquals(ROOT.relativize(resolved).toString(), path);
            assertFalse(path.contains("\\") || path.contains("\0") || path.contains("%") || path.contains(":"), path);
            assertEquals(path, String.join("/", TargetPath.split(path)));
        }
        String segment;
        try {
            segment = TargetPath.normaliseSegment(name);
        } catch (IllegalArgumentException nothingLeft) {
            return;
        }
        assertTrue(TargetPath.problem(segment).isEmpty(), name + " -> " + segment + ": " + TargetPath.problem(segment));
        assertFalse(segment.contains("/"), segment);
    }
}
