package org.samizdat.archive;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The signed per-document metadata carried in a target's {@code custom} object: title, date,
 * content type and free {@code fields} (string or list-of-string values, such as a cable's
 * reference id, origin, classification, subject and tags). The release is added when published.
 */
public record DocumentMeta(String title, String date, String contentType, Map<String, Object> fields) {
    /** Field names stay ASCII so every canonical-JSON implementation sorts them alike. */
    private static final Pattern FIELD_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern HEADER = Pattern.compile("([A-Za-z][A-Za-z0-9 _-]{0,63}):[ \\t]*(.*)");
    private static final Pattern DATE = Pattern.compile("\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?Z?)?)?)?");
    private static final int MAX_VALUE = 4096;
    private static final int MAX_FIELDS = 64;
    /** Header names that are list-valued, split on commas. */
    private static final List<String> LIST_FIELDS = List.of("tags", "keywords");

    public DocumentMeta {
        title = title == null ? "" : title;
        date = date == null ? "" : date;
        contentType = contentType == null ? "" : contentType;
        fields = fields == null ? Map.of() : new TreeMap<>(fields);
        checkText("title", title);
        checkText("content_type", contentType);
        if (!date.isEmpty() && !DATE.matcher(date).matches()) {
            throw new IllegalArgumentException("date \"" + date + "\" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)");
        }
        if (fields.size() > MAX_FIELDS) {
            throw new IllegalArgumentException("more than " + MAX_FIELDS + " fields");
        }
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!FIELD_NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("field name \"" + e.getKey()
                        + "\" must be lowercase ASCII letters, digits, '_', '.', '-'");
            }
            if (e.getValue() instanceof String s) {
                checkText(e.getKey(), s);
            } else if (e.getValue() instanceof List<?> list) {
                for (Object o : list) {
                    if (!(o instanceof String s)) {
                        throw new IllegalArgumentException("field \"" + e.getKey() + "\" has a non-string list item");
                    }
                    checkText(e.getKey(), s);
                }
                e.setValue(List.copyOf(list));
            } else {
                throw new IllegalArgumentException("field \"" + e.getKey() + "\" must be a string or a list of strings");
            }
        }
        fields = java.util.Collections.unmodifiableMap(fields);
    }

    public static DocumentMeta empty(String contentType) {
        return new DocumentMeta("", "", contentType, Map.of());
    }

    /** The {@code custom} object signed into target metadata. */
    public Map<String, Object> toCustom(String release) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("date", date);
        m.put("release", release);
        m.put("content_type", contentType);
        m.put("fields", new LinkedHashMap<>(fields));
        return m;
    }

    /** Reads metadata back from a target's {@code custom} object; unknown keys are ignored. */
    @SuppressWarnings("unchecked")
    public static DocumentMeta fromCustom(Map<String, Object> custom) {
        Object fields = custom.get("fields");
        return new DocumentMeta(str(custom.get("title")), str(custom.get("date")), str(custom.get("content_type")),
                fields instanceof Map ? (Map<String, Object>) fields : Map.of());
    }

    /** A sidecar {@code NAME.meta.json}: {"title", "date", "content_type", "fields": {...}}. */
    public static DocumentMeta fromSidecar(byte[] json, String defaultContentType) {
        Map<String, Object> m = Json.parseObject(json);
        for (String k : m.keySet()) {
            if (!List.of("title", "date", "content_type", "fields").contains(k)) {
                throw new IllegalArgumentException("unknown key \"" + k
                        + "\" (allowed: title, date, content_type, fields)");
            }
        }
        Object fields = m.get("fields");
        if (fields != null && !(fields instanceof Map)) {
            throw new IllegalArgumentException("\"fields\" must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> f = fields == null ? Map.of() : (Map<String, Object>) fields;
        String ct = m.get("content_type") == null ? defaultContentType : strict(m.get("content_type"), "content_type");
        return new DocumentMeta(strict(m.get("title"), "title"), strict(m.get("date"), "date"), ct, f);
    }

    /**
     * Leading {@code Key: value} lines of a plain-text document, up to the first blank line. A
     * {@code Title} or else {@code Subject} line gives the title, {@code Date} the date, every other
     * header becomes a lowercase field ({@code Tags} and {@code Keywords} split on commas). A file
     * whose first line is not a header has no header metadata.
     */
    public static DocumentMeta fromTextHeaders(byte[] head, String contentType) {
        String text = new String(head, StandardCharsets.UTF_8);
        Map<String, Object> fields = new LinkedHashMap<>();
        String title = "";
        String date = "";
        boolean sawBlank = false;
        int count = 0;
        // the last line may be cut off by the head limit: only complete lines (ended by \n) count;
        // lines are taken one at a time, as the headers end at the first blank one
        for (int from = 0, nl; (nl = text.indexOf('\n', from)) >= 0; from = nl + 1) {
            String line = text.substring(from, nl > from && text.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            if (line.isBlank()) {
                sawBlank = true;
                break;
            }
            var m = HEADER.matcher(line);
            if (!m.matches()) {
                break;
            }
            count++;
            String key = m.group(1).trim().toLowerCase(Locale.ROOT).replace(' ', '_');
            String value = m.group(2).trim();
            if (value.length() > MAX_VALUE) {
                value = value.substring(0, MAX_VALUE);
            }
            switch (key) {
                case "title" -> title = value;
                case "date" -> date = value;
                default -> {
                    if (fields.size() >= MAX_FIELDS || fields.containsKey(key)) {
                        continue;
                    }
                    if (LIST_FIELDS.contains(key)) {
                        List<String> items = new ArrayList<>();
                        for (String t : value.split(",")) {
                            if (!t.isBlank()) {
                                items.add(t.trim());
                            }
                        }
                        fields.put(key, items);
                    } else {
                        fields.put(key, value);
                    }
                }
            }
        }
        if (count == 0 || !sawBlank) {
            return empty(contentType);
        }
        if (title.isEmpty() && fields.get("subject") instanceof String subject) {
            title = subject;
        }
        if (!date.isEmpty() && !DATE.matcher(date).matches()) {
            fields.putIfAbsent("date_text", date);
            date = "";
        }
        return new DocumentMeta(title, date, contentType, fields);
    }

    private static void checkText(String name, String s) {
        if (s.length() > MAX_VALUE) {
            throw new IllegalArgumentException(name + " is longer than " + MAX_VALUE + " characters");
        }
    }

    private static String str(Object o) {
        return o instanceof String s ? s : "";
    }

    private static String strict(Object o, String name) {
        if (o == null) {
            return "";
        }
        if (!(o instanceof String s)) {
            throw new IllegalArgumentException("\"" + name + "\" must be a string");
        }
        return s;
    }
}
