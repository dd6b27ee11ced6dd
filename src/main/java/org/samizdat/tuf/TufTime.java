package org.samizdat.tuf;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** TUF's date-time: exactly {@code YYYY-MM-DDTHH:MM:SSZ} (spec "Date-time"), no fractions. */
public final class TufTime {
    private static final Pattern FORMAT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    private static final DateTimeFormatter WRITER = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private TufTime() {
    }

    public static String format(Instant t) {
        return WRITER.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    public static Instant parse(String where, String s) throws TufException {
        if (s == null || !FORMAT.matcher(s).matches()) {
            throw new TufException(where, "date-time format", "expires \"" + s + "\" is not YYYY-MM-DDTHH:MM:SSZ");
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new TufException(where, "date-time format", "expires \"" + s + "\" is not a real date");
        }
    }
}
