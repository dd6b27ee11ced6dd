package org.samizdat.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * The words a generated corpus draws its text from, each with its chance. {@link #ZIPF} is the
 * realistic one: about 50,000 words, names and places whose frequencies follow Zipf's law (the
 * word of rank r is drawn with a chance proportional to 1/r), with English function words at the
 * top, the diplomatic vocabulary and set phrases ({@code human rights}) next, and below them the
 * posts' cities, people's surnames and invented words, so most words are rare, as in real text.
 * {@link #SMALL} is the 80-word list of the first benchmarks, every word as likely as another, kept
 * so earlier figures can be reproduced. The list and the ranks are the same on every run.
 */
public enum Vocabulary {
    /** 80 words, uniformly drawn: every word is in nearly every document. */
    SMALL,
    /** About 50,000 words, names and places, drawn by Zipf's law. */
    ZIPF;

    /** Words at the head of the ranking, most frequent first: the grammar of English prose. */
    private static final String FUNCTION = "the of and to in a that is for on with as by at from this be are was were "
            + "it not he his said has have had but or an which they their its will would been also who she her "
            + "after there more than we about into over when other one two new could can may should these all "
            + "some if no only first last our what out up such while those most during before between under "
            + "against because any very three both since each where however through again until still";
    /** Then the trade's words and set phrases (one vocabulary entry, so a phrase search finds them). */
    private static final String DOMAIN = "minister government embassy official officials meeting talks agreement "
            + "trade energy security report policy president delegation ministry foreign economic military opposition "
            + "election reform parliament sources contact discussed noted stressed expressed concern support "
            + "cooperation regional border negotiations oil gas pipeline sanctions aid program budget corruption "
            + "investigation court judge press media protest police army party leader coalition vote law draft "
            + "proposal visit ambassador charge consulate cable demarche counterpart prime_minister foreign_minister "
            + "human_rights civil_society national_assembly security_forces trade_agreement oil_pipeline "
            + "press_freedom interior_ministry finance_ministry central_bank supreme_court state_department "
            + "united_nations european_union armed_forces rule_of_law nuclear_program refugee camp militia border_crossing "
            + "customs tariff export import loan debt inflation currency reserves investment company contract tender "
            + "bribe kickback audit prosecutor arrest detention trial verdict sentence appeal journalist newspaper "
            + "television broadcast website blogger activist dissident exile asylum visa passport diplomat attache "
            + "envoy summit communique memorandum treaty ceasefire insurgent rebel terrorist attack bombing casualty "
            + "hostage kidnapping smuggling trafficking narcotics cocaine heroin weapons arms missile uranium "
            + "enrichment inspector inspection compliance violation resolution council commission committee senator "
            + "governor mayor province district village tribe clan cleric mosque church minority ethnic religious "
            + "students university strike union workers salary pension subsidy fuel electricity water drought flood "
            + "earthquake relief donor grant fund project infrastructure road port airport railway telecom license";
    private static final int GENERATED = 46_000;
    private static final int SURNAMES = 3_000;
    private static final long SEED = 20_101_128L;

    /** The entries by rank, and their cumulative chances, so a draw is one binary search. */
    private static final class Ranked {
        final String[] words;
        final double[] cumulative;
        final int content;
        final boolean zipf;

        Ranked(List<String> list, int content, boolean zipf) {
            this.content = content;
            this.zipf = zipf;
            words = list.toArray(String[]::new);
            cumulative = new double[words.length];
            double sum = 0;
            for (int r = 0; r < words.length; r++) {
                sum += zipf ? 1.0 / (r + 1) : 1.0;
                cumulative[r] = sum;
            }
            for (int r = 0; r < words.length; r++) {
                cumulative[r] /= sum;
            }
        }
    }

    /** The small list, built on first use: the first 20 function words and 60 of the trade's. */
    private static final class Small {
        static final Ranked RANKED = new Ranked(smallList(), 0, false);
    }

    /** The Zipf list, built on first use only, so a small corpus never builds it. */
    private static final class Zipf {
        static final Ranked RANKED = zipf();
    }

    private static List<String> smallList() {
        List<String> out = new ArrayList<>(List.of(FUNCTION.split(" ")).subList(0, 20));
        out.addAll(List.of(("minister government embassy official officials meeting talks agreement trade energy security "
                + "report policy president delegation ministry foreign economic military opposition election reform "
                + "parliament sources contact discussed noted stressed expressed concern support cooperation regional "
                + "border negotiations oil gas pipeline sanctions aid program budget corruption investigation court judge "
                + "press media human rights protest police army party leader coalition vote law draft proposal visit")
                .split(" ")));
        return out;
    }

    private Ranked ranked() {
        return this == SMALL ? Small.RANKED : Zipf.RANKED;
    }

    /** How many entries the vocabulary has (a set phrase counts once). */
    public int size() {
        return ranked().words.length;
    }

    /** The entry of rank {@code r} (0 the most frequent), words of a set phrase joined by spaces. */
    public String word(int rank) {
        return ranked().words[rank];
    }

    /** The chance of drawing the entry of rank {@code r}. */
    public double chance(int rank) {
        double[] c = ranked().cumulative;
        return rank == 0 ? c[0] : c[rank] - c[rank - 1];
    }

    /** A word (or set phrase) drawn by its chance. */
    String draw(Random r) {
        return drawFrom(r, 0);
    }

    /** A word drawn by its chance from below the function words (any word of the small list), for subjects. */
    String drawContent(Random r) {
        return drawFrom(r, ranked().content);
    }

    private String drawFrom(Random r, int fromRank) {
        Ranked k = ranked();
        if (!k.zipf) {
            return k.words[r.nextInt(k.words.length)]; // as the first benchmarks drew, so their corpus is unchanged
        }
        double floor = fromRank == 0 ? 0 : k.cumulative[fromRank - 1];
        double u = floor + r.nextDouble() * (1 - floor);
        int i = java.util.Arrays.binarySearch(k.cumulative, u);
        int rank = i >= 0 ? i : Math.min(k.words.length - 1, -i - 1);
        return k.words[Math.max(fromRank, rank)];
    }

    private static Ranked zipf() {
        Set<String> head = new LinkedHashSet<>();
        for (String w : FUNCTION.split(" ")) {
            head.add(w);
        }
        int content = head.size();
        for (String w : DOMAIN.split(" ")) {
            head.add(w.replace('_', ' '));
        }
        Random r = new Random(SEED);
        List<String> places = Corpus.cities();
        Set<String> tail = new LinkedHashSet<>(places);
        while (tail.size() < places.size() + SURNAMES) {
            String s = invented(r, 2 + r.nextInt(2));
            if (!head.contains(s)) {
                tail.add(Character.toUpperCase(s.charAt(0)) + s.substring(1));
            }
        }
        while (tail.size() < places.size() + SURNAMES + GENERATED) {
            String s = invented(r, 1 + r.nextInt(3));
            if (!head.contains(s) && s.length() > 2) {
                tail.add(s);
            }
        }
        List<String> rest = new ArrayList<>(tail);
        Collections.shuffle(rest, r);
        List<String> all = new ArrayList<>(head);
        all.addAll(rest);
        return new Ranked(all, content, true);
    }

    private static final String[] ONSETS = {"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
        "z", "br", "dr", "kr", "st", "tr", "sh", "ch", "gr", "pl", "th"};
    private static final String[] NUCLEI = {"a", "e", "i", "o", "u", "ai", "ou", "ia", "ei"};
    private static final String[] CODAS = {"", "", "", "n", "r", "s", "l", "m", "t", "k", "nd", "st"};

    /** A pronounceable invented word of {@code syllables} syllables. */
    private static String invented(Random r, int syllables) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < syllables; s++) {
            sb.append(ONSETS[r.nextInt(ONSETS.length)]).append(NUCLEI[r.nextInt(NUCLEI.length)])
                    .append(CODAS[r.nextInt(CODAS.length)]);
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
