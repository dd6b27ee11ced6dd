package org.samizdat.tuf;

/** Metadata that breaks a TUF rule; the message names the file and the rule. */
public final class TufException extends Exception {
    private final String file;
    private final String rule;

    public TufException(String file, String rule, String detail) {
        super(file + ": " + detail + " [" + rule + "]");
        this.file = file;
        this.rule = rule;
    }

    public String file() {
        return file;
    }

    public String rule() {
        return rule;
    }
}
