package org.minespark.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code accuracy} says over its runs rather than per run: the coverage of the intervals (per
 * bound and overall), the per-task summary over seeds, and the independent-data criterion. Pure
 * functions of the {@link AccuracyTable.Entry} rows; {@link #markdown} renders them.
 */
final class AccuracySummary {
    /** The p-value above which an independent task's run counts as "no evidence of dependence". */
    static final double INDEPENDENCE_P = 0.05;

    private AccuracySummary() {
    }

    /**
     * Does the interval {@code [low, high]} contain {@code truth}? An upper end of +∞ or NaN is
     * unbounded (a one-sided interval): then {@code truth >= low}. Null when there is no lower end
     * (not finite): no interval.
     */
    static Boolean covers(double truth, double low, double high) {
        if (!Double.isFinite(low)) {
            return null;
        }
        boolean unbounded = Double.isNaN(high) || high == Double.POSITIVE_INFINITY;
        return low <= truth && (unbounded || truth <= high);
    }

    /**
     * The coverage of a group of runs.
     *
     * @param runs             the runs, failed ones included
     * @param unflagged        the runs that are not {@link AccuracyTable.Entry#flagged() flagged}
     * @param coveredUnflagged the unflagged runs whose interval contains the truth
     * @param coveredAll       all runs whose interval contains the truth (a failed run has none)
     */
    record Tally(int runs, int unflagged, int coveredUnflagged, int coveredAll) {
        static Tally of(List<AccuracyTable.Entry> entries) {
            int unflagged = 0;
            int coveredUnflagged = 0;
            int coveredAll = 0;
            for (AccuracyTable.Entry e : entries) {
                boolean covered = Boolean.TRUE.equals(e.ciCoversTruth());
                coveredAll += covered ? 1 : 0;
                if (!e.flagged()) {
                    unflagged++;
                    coveredUnflagged += covered ? 1 : 0;
                }
            }
            return new Tally(entries.size(), unflagged, coveredUnflagged, coveredAll);
        }

        /** The share of the unflagged runs that cover the truth; NaN without unflagged runs. */
        double coverageUnflagged() {
            return unflagged == 0 ? Double.NaN : (double) coveredUnflagged / unflagged;
        }

        /** The share of all runs that cover the truth; NaN without runs. */
        double coverageAll() {
            return runs == 0 ? Double.NaN : (double) coveredAll / runs;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runs", runs);
            m.put("unflagged", unflagged);
            m.put("covered_unflagged", coveredUnflagged);
            m.put("coverage_unflagged", coverageUnflagged());
            m.put("covered_all", coveredAll);
            m.put("coverage_all", coverageAll());
            return m;
        }
    }

    /** The coverage per bound (in first-seen order) and over all runs. */
    record Coverage(Map<String, Tally> perBound, Tally overall) {
        Map<String, Object> toMap() {
            Map<String, Object> pb = new LinkedHashMap<>();
            perBound.forEach((b, t) -> pb.put(b, t.toMap()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("per_bound", pb);
            m.put("overall", overall.toMap());
            return m;
        }
    }

    static Coverage coverage(List<AccuracyTable.Entry> entries) {
        Map<String, List<AccuracyTable.Entry>> byBound = new LinkedHashMap<>();
        entries.forEach(e -> byBound.computeIfAbsent(e.bound(), k -> new ArrayList<>()).add(e));
        Map<String, Tally> perBound = new LinkedHashMap<>();
        byBound.forEach((b, es) -> perBound.put(b, Tally.of(es)));
        return new Coverage(perBound, Tally.of(entries));
    }

    /**
     * One (task, bound) over its seeds. The estimate statistics are over the runs that did not fail.
     *
     * @param ok            the runs that did not fail
     * @param sdMiNats      the sample standard deviation of the estimates across seeds (NaN with fewer than 2)
     * @param meanRelError  the mean relative error (NaN when the truth is 0)
     * @param covered       runs whose interval contains the truth
     * @param flagged       runs that are flagged (near the estimator's limit, or status not ok)
     * @param pAbove        runs with a p-value above {@link #INDEPENDENCE_P}
     * @param independentOk runs with a p-value above {@link #INDEPENDENCE_P} and an interval containing the truth
     */
    record TaskSummary(String task, String bound, double truthNats, int runs, int ok, double meanMiNats,
                       double sdMiNats, double meanRelError, int covered, int flagged, int pAbove, int independentOk,
                       double seconds) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", task);
            m.put("bound", bound);
            m.put("truth_nats", truthNats);
            m.put("runs", runs);
            m.put("ok_runs", ok);
            m.put("mean_mi_nats", meanMiNats);
            m.put("sd_mi_nats", sdMiNats);
            m.put("mean_rel_error", meanRelError);
            m.put("covered", covered);
            m.put("flagged", flagged);
            m.put("seconds", seconds);
            return m;
        }

        /** The independent-data criterion's counts (for a task whose truth is 0). */
        Map<String, Object> independenceMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", task);
            m.put("bound", bound);
            m.put("runs", runs);
            m.put("p_above_0_05", pAbove);
            m.put("ci_contains_0", covered);
            m.put("both", independentOk);
            m.put("share_both", runs == 0 ? Double.NaN : (double) independentOk / runs);
            return m;
        }
    }

    /** One summary per (task, bound), in first-seen order. */
    static List<TaskSummary> perTask(List<AccuracyTable.Entry> entries) {
        Map<List<String>, List<AccuracyTable.Entry>> groups = new LinkedHashMap<>();
        entries.forEach(e -> groups.computeIfAbsent(List.of(e.task(), e.bound()), k -> new ArrayList<>()).add(e));
        List<TaskSummary> r = new ArrayList<>(groups.size());
        groups.forEach((k, es) -> r.add(summarise(k.get(0), k.get(1), es)));
        return r;
    }

    private static TaskSummary summarise(String task, String bound, List<AccuracyTable.Entry> es) {
        double truth = es.get(0).truthNats();
        List<Double> estimates = new ArrayList<>();
        double relSum = 0;
        int covered = 0;
        int flagged = 0;
        int pAbove = 0;
        int both = 0;
        double seconds = 0;
        for (AccuracyTable.Entry e : es) {
            seconds += e.seconds();
            boolean c = Boolean.TRUE.equals(e.ciCoversTruth());
            boolean p = e.pValue() != null && e.pValue() > INDEPENDENCE_P;
            covered += c ? 1 : 0;
            flagged += e.flagged() ? 1 : 0;
            pAbove += p ? 1 : 0;
            both += c && p ? 1 : 0;
            if (e.error() == null) {
                estimates.add(e.miNats());
                relSum += e.relError();
            }
        }
        int n = estimates.size();
        double mean = n == 0 ? Double.NaN : estimates.stream().mapToDouble(Double::doubleValue).sum() / n;
        double ss = 0;
        for (double v : estimates) {
            ss += (v - mean) * (v - mean);
        }
        double sd = n < 2 ? Double.NaN : Math.sqrt(ss / (n - 1));
        double meanRel = n == 0 || !(truth > 0) ? Double.NaN : relSum / n;
        return new TaskSummary(task, bound, truth, es.size(), n, mean, sd, meanRel, covered, flagged, pAbove, both,
                seconds);
    }

    /** The {@code coverage}, {@code per_task} and {@code independence} keys of the JSON. */
    static void putJson(Map<String, Object> doc, List<AccuracyTable.Entry> entries) {
        doc.put("coverage", coverage(entries).toMap());
        List<TaskSummary> tasks = perTask(entries);
        List<Object> perTask = new ArrayList<>();
        List<Object> independence = new ArrayList<>();
        for (TaskSummary t : tasks) {
            perTask.add(t.toMap());
            if (t.truthNats() == 0) {
                independence.add(t.independenceMap());
            }
        }
        doc.put("per_task", perTask);
        doc.put("independence", independence);
    }

    /**
     * The markdown sections: coverage (always), the per-task summary over seeds (with more than one
     * seed) and the independent-data criterion (when a task has truth 0).
     */
    static void markdown(StringBuilder sb, List<AccuracyTable.Entry> entries, int seeds) {
        Coverage cov = coverage(entries);
        sb.append("\n## Coverage\n\n");
        sb.append("The share of runs whose CI95 contains the truth, per bound and over all runs. A run is *flagged* "
                + "when it is `near_estimator_limit` or its status is not `ok` (a failed run included); coverage "
                + "(unflagged) is over the runs that are not, coverage (all) over every run (a failed run has no "
                + "interval and counts as not covering). An interval whose upper end is unbounded (∞) contains the "
                + "truth when the truth is at least its lower end. Target of issue #16: coverage (unflagged) "
                + ">= 90 % over >= 5 seeds.\n\n");
        sb.append("| bound | runs | unflagged | covered (unflagged) | coverage (unflagged) | covered (all) | coverage (all) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        cov.perBound().forEach((b, t) -> tallyRow(sb, b, t));
        tallyRow(sb, "all bounds", cov.overall());
        List<TaskSummary> tasks = perTask(entries);
        if (seeds > 1) {
            sb.append("\n## Over the seeds\n\n");
            sb.append("Per task and bound over its ").append(seeds).append(" seeds: the mean and the sample standard "
                    + "deviation of the estimates and the mean relative error (over the runs that did not fail), "
                    + "the runs whose CI95 contains the truth and the flagged runs.\n\n");
            sb.append("| task | bound | truth (nats) | mean estimate (nats) | sd (nats) | mean rel. error | covered | flagged |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (TaskSummary t : tasks) {
                sb.append("| ").append(t.task()).append(" | ").append(t.bound())
                        .append(" | ").append(AccuracyTable.fmt(t.truthNats()))
                        .append(" | ").append(AccuracyTable.fmt(t.meanMiNats()))
                        .append(" | ").append(AccuracyTable.fmt(t.sdMiNats()))
                        .append(" | ").append(AccuracyTable.relError(t.meanRelError()))
                        .append(" | ").append(t.covered()).append('/').append(t.runs())
                        .append(" | ").append(t.flagged()).append('/').append(t.runs())
                        .append(" |\n");
            }
        }
        List<TaskSummary> independent = tasks.stream().filter(t -> t.truthNats() == 0).toList();
        if (!independent.isEmpty()) {
            sb.append("\n## Independent data\n\n");
            sb.append("Tasks whose truth is 0. Issue #16's criterion: the CI95 contains 0 and p > 0.05 in at least "
                    + "95 % of the seeds (a run without a p-value does not count as p > 0.05).\n\n");
            sb.append("| task | bound | seeds | p > 0.05 | CI contains 0 | both | share (both) |\n");
            sb.append("|---|---|---:|---:|---:|---:|---:|\n");
            for (TaskSummary t : independent) {
                sb.append("| ").append(t.task()).append(" | ").append(t.bound())
                        .append(" | ").append(t.runs())
                        .append(" | ").append(t.pAbove())
                        .append(" | ").append(t.covered())
                        .append(" | ").append(t.independentOk())
                        .append(" | ").append(percent(t.runs() == 0 ? Double.NaN : (double) t.independentOk() / t.runs()))
                        .append(" |\n");
            }
        }
    }

    private static void tallyRow(StringBuilder sb, String label, Tally t) {
        sb.append("| ").append(label)
                .append(" | ").append(t.runs())
                .append(" | ").append(t.unflagged())
                .append(" | ").append(t.coveredUnflagged())
                .append(" | ").append(percent(t.coverageUnflagged()))
                .append(" | ").append(t.coveredAll())
                .append(" | ").append(percent(t.coverageAll()))
                .append(" |\n");
    }

    private static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f %%", 100 * share) : "n/a";
    }
}
