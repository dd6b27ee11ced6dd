package org.samizdat.archive;

/** Malformed or disallowed JSON, with the byte offset where it went wrong when known. */
public final class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
