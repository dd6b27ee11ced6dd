package org.samizdat.tuf;

/** Metadata that breaks a TUF rule; the message names the file and the rule. */
public final class TufException extends Exception {
    private final String file;
    private final String rule;

    /** The rule of a file that is simply not there: said in words, with no rule tag. */
    public static final String MISSING = "file present";

    public TufException(String file, String rule, String detail) {
        super(file + ": " + detail + (rule.equals(MISSING) ? "" : " [" + rule + "]"));
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
