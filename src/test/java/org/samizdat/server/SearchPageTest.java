package org.samizdat.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The search page says how its count was reached: exact, estimated from a sample, or cut short. */
class SearchPageTest {
    private final Templates templates = new Templates();

    private String render(boolean exact, boolean estimated) {
        Map<String, Object> m = new HashMap<>();
        m.put("q", "oil");
        m.put("results", true);
        m.put("total", "241,515");
        m.put("totalExact", exact);
        m.put("totalEstimated", estimated);
        m.put("took", 4L);
        m.put("hits", List.of());
        m.put("notes", List.of());
        return templates.render("search", m);
    }

    @Test
    void anEstimatedTotalReadsAsAboutAndSaysItWasCountedOnASample() {
        String page = render(false, true);
        assertTrue(page.contains("About <span id=\"total\">241,515</span> documents"), page);
        assertTrue(page.contains("counted on a fixed sample"), page);
        assertFalse(page.contains("or more"), page);
    }

    @Test
    void anExactTotalIsPlainAndAStoppedSearchSaysOrMore() {
        String exact = render(true, false);
        assertTrue(exact.contains("<span id=\"total\">241,515</span> documents"), exact);
        assertFalse(exact.contains("About") || exact.contains("sample"), exact);
        assertTrue(render(false, false).contains("<span id=\"total\">241,515</span> or more documents"));
    }
}
