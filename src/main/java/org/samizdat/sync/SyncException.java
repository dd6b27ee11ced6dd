package org.samizdat.sync;

/** A sync that could not complete; says whether the upstream was unreachable or lied. */
public final class SyncException extends Exception {
    /** Why a sync failed. */
    public enum Kind { UNREACHABLE, VERIFICATION, LOCAL }

    private final Kind kind;

    public SyncException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
