package org.samizdat.repo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.samizdat.store.FileStore;
import org.samizdat.tuf.TargetFile;

/**
 * How the documents of a batch become the content targets of its release: placed as they are
 * ({@link Publisher#publish}), or sealed into one ciphertext ({@link Publisher#seal}). The
 * publisher adds the release manifest and torrent, signs, and writes the timestamp last.
 */
public interface ReleaseContent {
    /**
     * Writes the release's content into the public tree, every file durable before this returns,
     * and gives its targets (path to signed description).
     *
     * @param contentOf where a staged document's bytes are
     */
    Map<String, TargetFile> write(FileStore pub, String release, List<StagedDocument> documents,
                                  Function<StagedDocument, Path> contentOf) throws IOException;
}
