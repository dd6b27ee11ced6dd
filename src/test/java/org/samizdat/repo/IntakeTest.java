package org.samizdat.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeTest {
    @TempDir
    Path tmp;

    private Path file(String rel, String text) throws Exception {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void everyBadNameIsListedAndNothingIsRenamedSilently() throws Exception {
        file("in/ok.txt", "x");
        file("in/bad name.txt", "x");
        file("in/café.txt", "x");
        file("in/sub dir/a.txt", "x");
        Intake.Result r = Intake.scan(List.of(tmp.resolve("in")), null, false);
        assertEquals(3, r.problems().size(), r.problems().toString());
        Intake.Result n = Intake.scan(List.of(tmp.resolve("in")), null, true);
        assertTrue(n.problems().isEmpty(), n.problems().toString());
        assertEquals(List.of("in/bad-name.txt", "in/cafe.txt", "in/ok.txt", "in/sub-dir/a.txt"),
                n.items().stream().map(i -> i.draft().path().value()).toList());
        assertEquals(3, n.renamed().size());
    }

    @Test
    void sidecarsGiveMetadataAndAreNotDocuments() throws Exception {
        file("in/report.pdf", "%PDF-1.4");
        file("in/report.pdf.meta.json", "{\"title\":\"Annual report\",\"fields\":{\"origin\":\"NGO\"}}");
        file("in/.DS_Store", "junk");
        Intake.Result r = Intake.scan(List.of(tmp.resolve("in")), "reports/2010", false);
        assertEquals(1, r.items().size());
        assertEquals("reports/2010/report.pdf", r.items().get(0).draft().path().value());
        assertEquals("Annual report", r.items().get(0).draft().meta().title());
        assertEquals("application/pdf", r.items().get(0).draft().meta().contentType());
        assertEquals(1, r.skippedHidden());
    }

    @Test
    void aSidecarWithoutItsDocumentOrWithBadJsonIsAProblem() throws Exception {
        file("in/gone.pdf.meta.json", "{}");
        file("in/a.pdf", "x");
        file("in/a.pdf.meta.json", "{\"title\": 3}");
        Intake.Result r = Intake.scan(List.of(tmp.resolve("in")), null, false);
        assertEquals(2, r.problems().size(), r.problems().toString());
    }

    @Test
    void theReleaseManifestNameIsReserved() throws Exception {
        Path f = file("_release.json", "{}");
        assertEquals(1, Intake.scan(List.of(f), null, false).problems().size());
    }
}
