package org.minespark.job;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.minespark.spec.PairResult;

/**
 * What this run is compared with ({@code --baseline}): the latest earlier run ({@code previous}),
 * the last N earlier runs ({@code rolling:N}: their mean and spread), or the run of one date
 * ({@code date:YYYY-MM-DD}). Built from the results table's earlier partitions
 * ({@link ResultsHistory}); gives each (segment, pair) its reference band for drift and its
 * reference verdict for the {@code became-*} alert rules.
 *
 * <p>The band of a single run is its 95% CI. The band of a rolling window of k runs with estimates
 * m_1..m_k (each with a CI half-width h_i) is {@code mean(m) +- max(1.96 sd(m), mean(h))}: the
 * run-to-run spread when the runs disagree more than their CIs say, the CIs otherwise (with one run,
 * sd = 0 and the band is that run's CI width around its estimate). The reference verdict of a window
 * is "dependent" when more than half of its runs with a test said so.
 */
final class Baseline {
    /** The three kinds of {@code --baseline}. */
    enum Kind { PREVIOUS, ROLLING, DATE }

    /** One (segment, pair)'s reference: estimate, band, verdict, and the runs it came from. */
    record Ref(double mi, double low, double high, boolean dependent, boolean tested, int runs) {
    }

    /**
     * One drifted pair: this run's result, the estimate and interval it was compared by (see
     * {@link #estimate}), and the baseline's reference.
     */
    record Drift(String segment, PairResult now, double mi, double low, double high, String baseline, Ref ref) {
    }

    /**
     * The estimate and 95% interval a pair is compared by, or null when it has none: the MINE
     * estimate and CI of an {@code ok} pair; for a pair the screen did not train, its plug-in
     * estimate +- 1.96 standard errors (so a pair that lost or gained its dependence is compared even
     * when it was not trained on one of the nights); 0 for a constant pair.
     */
    static double[] estimate(String status, double mi, double low, double high, double plugin, double pluginSe) {
        if (PairResult.OK.equals(status) && Double.isFinite(mi) && Double.isFinite(low) && Double.isFinite(high)) {
            return new double[] {mi, low, high};
        }
        if (PairResult.SCREENED.equals(status) && Double.isFinite(plugin) && Double.isFinite(pluginSe)) {
            double p = Math.max(0, plugin);
            return new double[] {p, Math.max(0, p - 1.96 * pluginSe), p + 1.96 * pluginSe};
        }
        return PairResult.CONSTANT.equals(status) ? new double[] {0, 0, 0} : null;
    }

    /** As above for a result of this run. */
    static double[] estimate(PairResult r) {
        return estimate(r.status(), r.miNats(), r.ci95Low(), r.ci95High(), r.plugIn().nats(), r.plugIn().stdErr());
    }

    private final Kind kind;
    private final int window;
    private final LocalDate date;
    private final String text;
    private final List<LocalDate> dates;
    private final Map<String, Ref> refs;
    private final Map<String, Set<String>> analysed;

    private Baseline(Kind kind, int window, LocalDate date, String text, List<LocalDate> dates, Map<String, Ref> refs,
                     Map<String, Set<String>> analysed) {
        this.kind = kind;
        this.window = window;
        this.date = date;
        this.text = text;
        this.dates = dates;
        this.refs = refs;
        this.analysed = analysed;
    }

    /** A {@code --baseline} value with no runs read yet; a bad value names the flag, the key and the value. */
    static Baseline parse(String v) {
        String where = "--baseline / " + MineConfig.PAIRS_BASELINE + ": ";
        String expected = "expected previous, rolling:N (N >= 1 earlier runs) or date:YYYY-MM-DD, got '" + v + "'";
        if ("previous".equals(v)) {
            return new Baseline(Kind.PREVIOUS, 1, null, v, List.of(), Map.of(), Map.of());
        }
        if (v != null && v.startsWith("rolling:")) {
            int n;
            try {
                n = Integer.parseInt(v.substring("rolling:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + expected, e);
            }
            if (n < 1) {
                throw new IllegalArgumentException(where + expected);
            }
            return new Baseline(Kind.ROLLING, n, null, v, List.of(), Map.of(), Map.of());
        }
        if (v != null && v.startsWith("date:")) {
            try {
                return new Baseline(Kind.DATE, 1, LocalDate.parse(v.substring("date:".length())), v, List.of(), Map.of(), Map.of());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + expected, e);
            }
        }
        throw new IllegalArgumentException(where + expected);
    }

    /**
     * This baseline resolved against the earlier runs {@code past} (every run but this run's date).
     * A {@code date:} baseline naming a date with no run is an error listing the dates there are; the
     * other kinds resolve to no reference when there is no earlier run.
     */
    Baseline resolve(List<ResultsHistory.Row> past, LocalDate runDate, String table) {
        TreeSet<LocalDate> all = new TreeSet<>();
        for (ResultsHistory.Row r : past) {
            all.add(r.date());
        }
        List<LocalDate> use = new ArrayList<>();
        if (kind == Kind.DATE) {
            if (!all.contains(date) || date.equals(runDate)) {
                throw new IllegalArgumentException("--baseline " + text + ": no earlier run of " + date + " in " + table
                        + (all.isEmpty() ? " (it has no runs yet)" : " (runs: " + all + ")"));
            }
            use.add(date);
        } else {
            for (LocalDate d : all.headSet(runDate, false).descendingSet()) {
                if (use.size() < window) {
                    use.add(d);
                }
            }
        }
        Map<String, List<ResultsHistory.Row>> byKey = new HashMap<>();
        Map<String, Set<String>> cols = new HashMap<>();
        for (ResultsHistory.Row r : past) {
            if (use.contains(r.date())) {
                byKey.computeIfAbsent(key(r.segment(), r.pair()), k -> new ArrayList<>()).add(r);
                if (!PairResult.SKIPPED.equals(r.status())) {
                    Set<String> s = cols.computeIfAbsent(r.segment() == null ? "" : r.segment(), k -> new HashSet<>());
                    s.add(r.x());
                    s.add(r.y());
                }
            }
        }
        Map<String, Ref> out = new HashMap<>();
        for (Map.Entry<String, List<ResultsHistory.Row>> e : byKey.entrySet()) {
            Ref ref = reference(e.getValue());
            if (ref != null) {
                out.put(e.getKey(), ref);
            }
        }
        return new Baseline(kind, window, date, text, List.copyOf(use), out, cols);
    }

    /** The reference of one key's rows (one row per run), or null when none of them has a verdict or an estimate. */
    static Ref reference(List<ResultsHistory.Row> rows) {
        List<double[]> est = new ArrayList<>();
        int tested = 0;
        int dependent = 0;
        for (ResultsHistory.Row r : rows) {
            if (Double.isFinite(r.mi()) && Double.isFinite(r.low()) && Double.isFinite(r.high())) {
                est.add(new double[] {r.mi(), r.low(), r.high()});
            }
            if (r.tested()) {
                tested++;
                dependent += r.dependent() ? 1 : 0;
            }
        }
        if (est.isEmpty() && tested == 0) {
            return null;
        }
        boolean dep = 2 * dependent > tested;
        if (est.isEmpty()) {
            return new Ref(Double.NaN, Double.NaN, Double.NaN, dep, tested > 0, rows.size());
        }
        if (est.size() == 1) {
            double[] e = est.get(0);
            return new Ref(e[0], e[1], e[2], dep, tested > 0, rows.size());
        }
        double mean = 0;
        double half = 0;
        for (double[] e : est) {
            mean += e[0] / est.size();
            half += (e[2] - e[1]) / 2 / est.size();
        }
        double ss = 0;
        for (double[] e : est) {
            ss += (e[0] - mean) * (e[0] - mean);
        }
        double sd = Math.sqrt(ss / (est.size() - 1));
        double w = Math.max(1.96 * sd, half);
        return new Ref(mean, Math.max(0, mean - w), mean + w, dep, tested > 0, rows.size());
    }

    /** The key of a (segment, pair): the segment (empty for the whole table) and the pair name. */
    static String key(String segment, String pair) {
        return (segment == null ? "" : segment) + '\u0000' + pair;
    }

    /** The reference of a (segment, pair), or null when the baseline has none. */
    Ref ref(String segment, String pair) {
        return refs.get(key(segment, pair));
    }

    /** The columns with at least one pair not skipped in the baseline's runs, in {@code segment} (null: whole table). */
    Set<String> analysed(String segment) {
        return analysed.getOrDefault(segment == null ? "" : segment, Set.of());
    }

    /** False when there was no earlier run to compare with. */
    boolean present() {
        return !dates.isEmpty();
    }

    /** The run dates it was built from, newest first. */
    List<LocalDate> dates() {
        return dates;
    }

    /** As given: {@code previous}, {@code rolling:N} or {@code date:D}. */
    String text() {
        return text;
    }

    /** The label of drift rows and summaries: the run date, or {@code rolling:N (D1..Dk)}. */
    String label() {
        if (dates.isEmpty()) {
            return "";
        }
        if (kind != Kind.ROLLING) {
            return dates.get(0).toString();
        }
        return text + " (" + dates.get(dates.size() - 1) + ".." + dates.get(0) + ")";
    }

    /**
     * The pairs whose estimate ({@link #estimate}) moved beyond both intervals: now outside the baseline's band, the
     * baseline's estimate outside this run's CI, and by at least {@code minNats} nats
     * ({@code --drift-min-nats}; near 0 nats the CIs alone are a few thousandths wide).
     */
    List<Drift> drift(List<SegmentPair> now, double minNats) {
        if (!(minNats >= 0) || Double.isInfinite(minNats)) {
            throw new IllegalArgumentException("drift-min-nats must be a finite number >= 0, got " + minNats);
        }
        List<Drift> out = new ArrayList<>();
        for (SegmentPair sp : now) {
            PairResult r = sp.result();
            Ref p = ref(sp.segment(), r.pair());
            double[] e = estimate(r);
            if (p == null || !Double.isFinite(p.mi()) || e == null) {
                continue;
            }
            boolean nowOutside = e[0] < p.low() || e[0] > p.high();
            boolean refOutside = p.mi() < e[1] || p.mi() > e[2];
            if (nowOutside && refOutside && Math.abs(e[0] - p.mi()) >= minNats) {
                out.add(new Drift(sp.segment(), r, e[0], e[1], e[2], label(), p));
            }
        }
        return out;
    }
}
