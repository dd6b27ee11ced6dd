package org.samizdat.tuf;

import java.util.Map;

/** Typed reads from parsed metadata that fail with the file and the field named. */
final class Fields {
    private Fields() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String file, Map<String, Object> m, String key) throws TufException {
        if (!(m.get(key) instanceof Map<?, ?> v)) {
            throw new TufException(file, "metadata format", "\"" + key + "\" must be an object");
        }
        return (Map<String, Object>) v;
    }

    static long integer(String file, Map<?, ?> m, String key) throws TufException {
        if (!(m.get(key) instanceof Long v)) {
            throw new TufException(file, "metadata format", "\"" + key + "\" must be an integer");
        }
        return v;
    }

    static String string(String file, Map<?, ?> m, String key) throws TufException {
        if (!(m.get(key) instanceof String v)) {
            throw new TufException(file, "metadata format", "\"" + key + "\" must be a string");
        }
        return v;
    }
}
