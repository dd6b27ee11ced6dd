package org.samizdat.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A reader's search, parsed forgivingly: words (all must match), {@code "phrases"},
 * {@code a OR b}, {@code -word} or {@code NOT word} to exclude, a trailing {@code *} for a prefix,
 * {@code title:word}, and {@code field:value} filters for the facets (release, year, month,
 * origin, classification, tag, type, ref). Anything else is read as words; nothing a person
 * types is an error except a query longer than {@link #MAX_CHARS}. What was ignored or cut is
 * said in {@link #notes()}.
 */
public record SearchQuery(List<List<Term>> must, List<Term> not, Map<String, List<String>> filters, Sort sort,
                          int page, List<String> notes) {
    public static final int MAX_CHARS = 2_000;
    public static final int MAX_CLAUSES = 32;
    public static final int MAX_FILTERS = 16;
    public static final int MAX_PAGE = 50;
    public static final int PAGE_SIZE = 20;
    /** Facet dimensions, in the order pages show them. */
    public static final List<String> DIMENSIONS = List.of("release", "year", "month", "origin", "classification", "tag", "type");
    private static final Map<String, String> FIELD_ALIASES = Map.ofEntries(
            Map.entry("release", "release"), Map.entry("year", "year"), Map.entry("month", "month"),
            Map.entry("origin", "origin"), Map.entry("classification", "classification"), Map.entry("tag", "tag"),
            Map.entry("tags", "tag"), Map.entry("type", "type"), Map.entry("ref", "ref"), Map.entry("reference", "ref"));

    /** How results are ordered. */
    public enum Sort {
        RELEVANCE, NEWEST, OLDEST;

        public static Sort parse(String s) {
            if (s == null) {
                return RELEVANCE;
            }
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "newest", "date" -> NEWEST;
                case "oldest" -> OLDEST;
                default -> RELEVANCE;
            };
        }

        public String param() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One thing to match: a word, a phrase or a prefix, in the text or only in the title. */
    public record Term(String text, boolean phrase, boolean prefix, boolean titleOnly) {
    }

    /** A query that cannot be answered as asked; the message is for the reader. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    public SearchQuery {
        must = List.copyOf(must);
        not = List.copyOf(not);
        filters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(filters));
        notes = List.copyOf(notes);
    }

    /** True when nothing narrows the search: every document, newest first. */
    public boolean isEmpty() {
        return must.isEmpty() && not.isEmpty() && filters.isEmpty();
    }

    public boolean hasText() {
        return !must.isEmpty();
    }

    /**
     * Parses the query text {@code q} and filter parameters ({@code dimension → values}, as facet
     * links add them).
     */
    public static SearchQuery parse(String q, Map<String, List<String>> params, String sort, String page) throws Rejected {
        String text = q == null ? "" : q;
        if (text.length() > MAX_CHARS) {
            throw new Rejected(String.format("Your search is %,d characters long; the limit is %,d. Try fewer words.",
                    text.length(), MAX_CHARS));
        }
        List<String> notes = new ArrayList<>();
        Map<String, List<String>> filters = new LinkedHashMap<>();
        int[] filterCount = {0};
        for (String dim : DIMENSIONS) {
            for (String v : params.getOrDefault(dim, List.of())) {
                addFilter(filters, dim, v, filterCount, notes);
            }
        }
        for (String v : params.getOrDefault("ref", List.of())) {
            addFilter(filters, "ref", v, filterCount, notes);
        }
        List<List<Term>> must = new ArrayList<>();
        List<Term> not = new ArrayList<>();
        Tokens tokens = new Tokens(text, notes);
        boolean negateNext = false;
        boolean orNext = false;
        int clauses = 0;
        boolean cut = false;
        for (Token t = tokens.next(); t != null; t = tokens.next()) {
            if (!t.quoted && t.value.equals("OR")) {
                orNext = !must.isEmpty();
                continue;
            }
            if (!t.quoted && (t.value.equals("AND") || t.value.equals("&&"))) {
                continue;
            }
            if (!t.quoted && (t.value.equals("NOT") || t.value.equals("!"))) {
                negateNext = true;
                continue;
            }
            if (t.field != null) {
                String dim = FIELD_ALIASES.get(t.field.toLowerCase(Locale.ROOT));
                if (dim != null && !t.negated && !negateNext) {
                    addFilter(filters, dim, t.value, filterCount, notes);
                    continue;
                }
                if (t.field.equalsIgnoreCase("title") || t.field.equalsIgnoreCase("subject")) {
                    Term term = term(t.value, t.quoted, true, notes);
                    if (term != null && clauses++ < MAX_CLAUSES) {
                        place(term, t.negated || negateNext, orNext, must, not);
                    }
                    negateNext = orNext = false;
                    continue;
                }
                if (dim == null) {
                    notes.add("\"" + t.field + ":\" is not a field here, so it was searched as a word. Fields: title, "
                            + String.join(", ", DIMENSIONS) + ", ref.");
                    t = new Token(t.field + " " + t.value, true, null, t.negated);
                } else {
                    t = new Token(t.value, true, null, true);
                }
            }
            Term term = term(t.value, t.quoted, false, notes);
            if (term == null) {
                negateNext = orNext = false;
                continue;
            }
            if (clauses++ >= MAX_CLAUSES) {
                cut = true;
                break;
            }
            place(term, t.negated || negateNext, orNext, must, not);
            negateNext = orNext = false;
        }
        if (cut) {
            notes.add("Only the first " + MAX_CLAUSES + " words and phrases were used.");
        }
        if (must.isEmpty() && !not.isEmpty()) {
            notes.add("Only excluded words were given: showing every other document.");
        }
        return new SearchQuery(must, not, filters, Sort.parse(sort), page(page, notes), notes);
    }

    private static void place(Term term, boolean negated, boolean or, List<List<Term>> must, List<Term> not) {
        if (negated) {
            not.add(term);
        } else if (or && !must.isEmpty()) {
            must.getLast().add(term);
        } else {
            must.add(new ArrayList<>(List.of(term)));
        }
    }

    private static Term term(String raw, boolean quoted, boolean titleOnly, List<String> notes) {
        String v = raw.strip();
        if (quoted) {
            return v.isEmpty() ? null : new Term(v, true, false, titleOnly);
        }
        boolean prefix = v.endsWith("*");
        String core = v.replaceAll("[*?]+$", "");
        if (core.contains("*") || core.contains("?")) {
            notes.add("Wildcards work only at the end of a word (e.g. minist*); \"" + v + "\" was searched as words.");
            core = core.replace('*', ' ').replace('?', ' ').strip();
            prefix = false;
        }
        if (core.isEmpty()) {
            if (!v.isEmpty()) {
                notes.add("A lone \"" + v + "\" matches everything, so it was left out.");
            }
            return null;
        }
        if (prefix && core.codePointCount(0, core.length()) < 2) {
            notes.add("A prefix needs at least two letters before *; \"" + v + "\" was searched as a word.");
            prefix = false;
        }
        return new Term(core, false, prefix, titleOnly);
    }

    private static void addFilter(Map<String, List<String>> filters, String dim, String value, int[] count, List<String> notes) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return;
        }
        if (count[0] >= MAX_FILTERS) {
            if (count[0]++ == MAX_FILTERS) {
                notes.add("Only the first " + MAX_FILTERS + " filters were used.");
            }
            return;
        }
        List<String> values = filters.computeIfAbsent(dim, k -> new ArrayList<>());
        if (!values.contains(v)) {
            values.add(v);
            count[0]++;
        }
    }

    private static int page(String page, List<String> notes) {
        if (page == null || page.isBlank()) {
            return 1;
        }
        int p;
        try {
            p = Integer.parseInt(page.strip());
        } catch (NumberFormatException e) {
            notes.add("Page \"" + (page.length() > 20 ? page.substring(0, 20) + "…" : page) + "\" is not a number; showing page 1.");
            return 1;
        }
        if (p < 1) {
            return 1;
        }
        if (p > MAX_PAGE) {
            notes.add("Results go " + MAX_PAGE + " pages deep; narrow the search with filters to see more.");
            return MAX_PAGE;
        }
        return p;
    }

    /** The query as the reader would type it again: words, then field filters. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (List<Term> group : must) {
            for (int i = 0; i < group.size(); i++) {
                sb.append(sb.isEmpty() ? "" : i == 0 ? " " : " OR ").append(show(group.get(i)));
            }
        }
        for (Term t : not) {
            sb.append(sb.isEmpty() ? "-" : " -").append(show(t));
        }
        return sb.toString();
    }

    private static String show(Term t) {
        String v = t.phrase() ? "\"" + t.text() + "\"" : t.text() + (t.prefix() ? "*" : "");
        return t.titleOnly() ? "title:" + v : v;
    }

    private record Token(String value, boolean quoted, String field, boolean negated) {
    }

    /** Splits query text into words, quoted phrases and field:value pairs; never fails. */
    private static final class Tokens {
        private final String s;
        private final List<String> notes;
        private int i;
        private boolean saidParens;

        Tokens(String s, List<String> notes) {
            this.s = s;
            this.notes = notes;
        }

        Token next() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}') {
                    if (!saidParens) {
                        notes.add("Brackets are not needed here and were ignored; all words must match, OR joins alternatives.");
                        saidParens = true;
                    }
                    i++;
                } else if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '+') {
                    i++;
                } else {
                    break;
                }
            }
            if (i >= s.length()) {
                return null;
            }
            boolean negated = false;
            if (s.charAt(i) == '-' && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1))) {
                negated = true;
                i++;
            }
            if (s.charAt(i) == '"') {
                return new Token(quoted(), true, null, negated);
            }
            int start = i;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "()[]{}\"".indexOf(s.charAt(i)) < 0) {
                if (s.charAt(i) == ':' && i > start && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1))) {
                    String field = s.substring(start, i);
                    i++;
                    if (s.charAt(i) == '"') {
                        return new Token(quoted(), true, field, negated);
                    }
                    int vs = i;
                    while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "()[]{}\"".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    return new Token(s.substring(vs, i), false, field, negated);
                }
                i++;
            }
            String word = s.substring(start, i).replace(":", " ").strip();
            if (word.isEmpty()) {
                return next();
            }
            return new Token(word, false, null, negated);
        }

        private String quoted() {
            int end = s.indexOf('"', i + 1);
            if (end < 0) {
                notes.add("A quote was not closed; the phrase runs to the end of the search.");
                end = s.length();
            }
            String v = s.substring(i + 1, end);
            i = Math.min(s.length(), end + 1);
            return v;
        }
    }
}
