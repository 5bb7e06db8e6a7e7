package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Coverage, the per-task summary over seeds and the independent-data counts, on fixed rows. */
class AccuracySummaryTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    /** A run that did not fail, with its interval, p-value, flags and status. */
    private static AccuracyTable.Entry run(String task, double truth, String bound, long seed, double mi, double low,
                                           double high, Double p, String status, String... flags) {
        double rel = truth > 0 ? (mi - truth) / truth : Double.NaN;
        return new AccuracyTable.Entry(task, truth, bound, seed, bound, mi, low, high, rel, p, List.of(flags), status,
                List.of(), 1.5, null);
    }

    private static AccuracyTable.Entry ok(String bound, double truth, double low, double high, String... flags) {
        return run("t", truth, bound, 42, (low + Math.min(high, low + 1)) / 2, low, high, 0.01, "ok", flags);
    }

    @Test
    void covers_twoSidedOneSidedAndNoInterval() {
        assertEquals(Boolean.TRUE, AccuracySummary.covers(2.0, 1.9, 2.1));
        assertEquals(Boolean.TRUE, AccuracySummary.covers(2.0, 2.0, 2.0), "the ends are inside");
        assertEquals(Boolean.FALSE, AccuracySummary.covers(2.0, 2.05, 2.1));
        assertEquals(Boolean.FALSE, AccuracySummary.covers(2.0, 1.8, 1.95));
        assertEquals(Boolean.TRUE, AccuracySummary.covers(8.0, 7.5, INF), "one-sided: truth >= low");
        assertEquals(Boolean.TRUE, AccuracySummary.covers(8.0, 7.5, Double.NaN), "NaN upper end = unbounded");
        assertEquals(Boolean.FALSE, AccuracySummary.covers(8.0, 8.5, INF));
        assertEquals(Boolean.TRUE, AccuracySummary.covers(0.0, 0.0, 0.02), "independent: [0, x] contains 0");
        assertNull(AccuracySummary.covers(1.0, Double.NaN, 2.0), "no lower end: no interval");
    }

    @Test
    void entry_oneSidedInterval_coversAndRendersAsUnbounded() {
        AccuracyTable.Entry e = ok("dv", 8.0, 7.2, INF, AccuracyTable.NEAR_LIMIT);
        assertEquals(Boolean.TRUE, e.ciCoversTruth());
        assertTrue(e.flagged());
        assertEquals("[7.200, ∞)", AccuracyTable.interval(7.2, INF));
        assertEquals("[1.000, 2.000]", AccuracyTable.interval(1, 2));
        assertFalse(ok("dv", 2.0, 1.9, 2.1, "converged").flagged());
        assertTrue(run("t", 0, "dv", 1, 0, 0, 0, null, "constant").flagged(), "status not ok is flagged");
    }

    @Test
    void coverage_perBoundAndOverall_flaggedLeftOutOfTheUnflaggedShare() {
        List<AccuracyTable.Entry> es = List.of(
                ok("dv", 2.0, 1.9, 2.1),                              // covered, unflagged
                ok("dv", 2.0, 2.05, 2.2),                             // not covered, unflagged
                ok("dv", 8.0, 7.0, INF, AccuracyTable.NEAR_LIMIT),    // covered, flagged (one-sided)
                ok("smile", 0.0, 0.0, 0.03),                          // independent [0, x]: covered
                ok("smile", 6.0, 5.5, 5.9, AccuracyTable.NEAR_LIMIT), // not covered, flagged
                AccuracyTable.Entry.failed("t", 4.0, "smile", 43, "boom", 1.0)); // failed: flagged, no interval
        AccuracySummary.Coverage c = AccuracySummary.coverage(es);
        assertEquals(List.of("dv", "smile"), List.copyOf(c.perBound().keySet()));
        assertEquals(new AccuracySummary.Tally(3, 2, 1, 2), c.perBound().get("dv"));
        assertEquals(new AccuracySummary.Tally(3, 1, 1, 1), c.perBound().get("smile"));
        assertEquals(new AccuracySummary.Tally(6, 3, 2, 3), c.overall());
        assertEquals(0.5, c.perBound().get("dv").coverageUnflagged(), 0.0);
        assertEquals(2.0 / 3, c.perBound().get("dv").coverageAll(), 1e-15);
        assertEquals(2.0 / 3, c.overall().coverageUnflagged(), 1e-15);
        assertEquals(0.5, c.overall().coverageAll(), 0.0);
        assertTrue(Double.isNaN(new AccuracySummary.Tally(2, 0, 0, 1).coverageUnflagged()), "no unflagged runs");

        Map<String, Object> m = c.toMap();
        @SuppressWarnings("unchecked")
        Map<String, Object> dv = (Map<String, Object>) ((Map<String, Object>) m.get("per_bound")).get("dv");
        assertEquals(List.of("runs", "unflagged", "covered_unflagged", "coverage_unflagged", "covered_all", "coverage_all"),
                List.copyOf(dv.keySet()));
        assertEquals(3, dv.get("runs"));
        assertEquals(0.5, dv.get("coverage_unflagged"));
        String json = JsonWriter.toJson(m);
        assertTrue(json.contains("\"overall\": {"), json);
    }

    @Test
    void perTask_meanSdRelErrorAndIndependenceCounts() {
        List<AccuracyTable.Entry> es = List.of(
                run("corr-gaussian:2", 2.0, "dv", 42, 1.8, 1.7, 1.9, 0.01, "ok"),
                run("corr-gaussian:2", 2.0, "dv", 43, 2.0, 1.9, 2.1, 0.01, "ok"),
                run("corr-gaussian:2", 2.0, "dv", 44, 2.2, 2.1, 2.3, 0.01, "ok"),
                run("independent", 0.0, "dv", 42, 0.001, 0.0, 0.01, 0.4, "ok"),   // both
                run("independent", 0.0, "dv", 43, 0.02, 0.01, 0.03, 0.3, "ok"),   // p > 0.05, CI misses 0
                run("independent", 0.0, "dv", 44, 0.001, 0.0, 0.01, 0.03, "ok"),  // CI contains 0, p <= 0.05
                run("independent", 0.0, "dv", 45, 0.001, 0.0, 0.01, null, "ok"), // no p-value
                AccuracyTable.Entry.failed("independent", 0.0, "dv", 46, "boom", 1.0));
        List<AccuracySummary.TaskSummary> ts = AccuracySummary.perTask(es);
        assertEquals(2, ts.size());
        AccuracySummary.TaskSummary g = ts.get(0);
        assertEquals(3, g.runs());
        assertEquals(2.0, g.meanMiNats(), 1e-12);
        assertEquals(0.2, g.sdMiNats(), 1e-12, "sample sd of 1.8, 2.0, 2.2");
        assertEquals(0.0, g.meanRelError(), 1e-12);
        assertEquals(1, g.covered());
        assertEquals(0, g.flagged());
        assertEquals(4.5, g.seconds(), 1e-12);
        AccuracySummary.TaskSummary ind = ts.get(1);
        assertEquals(5, ind.runs());
        assertEquals(4, ind.ok(), "the failed run has no estimate");
        assertTrue(Double.isNaN(ind.meanRelError()), "truth 0: no relative error");
        assertEquals(3, ind.covered());
        assertEquals(2, ind.pAbove());
        assertEquals(1, ind.independentOk());
        assertEquals(0.2, (Double) ind.independenceMap().get("share_both"), 1e-15);
        assertTrue(Double.isNaN(AccuracySummary.perTask(List.of(es.get(0))).get(0).sdMiNats()), "one seed: no sd");

        Map<String, Object> doc = new LinkedHashMap<>();
        AccuracySummary.putJson(doc, es);
        assertEquals(List.of("coverage", "per_task", "independence"), List.copyOf(doc.keySet()));
        assertEquals(2, ((List<?>) doc.get("per_task")).size());
        assertEquals(1, ((List<?>) doc.get("independence")).size(), "only the task with truth 0");
    }

    private static String markdown(List<AccuracyTable.Entry> entries) {
        return AccuracyTable.markdown(entries, new LinkedHashMap<>(), new LinkedHashMap<>(), "mine-submit accuracy",
                "2026-01-01T00:00:00Z", 1.0, java.nio.file.Path.of("a.json"));
    }

    @Test
    void markdown_seedColumnAndSummaryOnlyWithSeveralSeeds() {
        String md1 = markdown(List.of(run("corr-gaussian:2", 2.0, "dv", 42, 1.9, 1.8, 2.05, 0.01, "ok")));
        assertContainsAll(md1, AccuracyTable.HEADER + "\n",
                "| corr-gaussian:2 | 2.000 | dv | 1.900 | [1.800, 2.050] | -5.0 % | yes |",
                "| dv | 1 | 1 | 1 | 100.0 % | 1 | 100.0 % |",
                "| all bounds | 1 | 1 | 1 | 100.0 % | 1 | 100.0 % |");
        assertFalse(md1.contains("## Over the seeds"), md1);
        assertFalse(md1.contains("## Independent data"), md1);

        String md2 = markdown(List.of(
                run("corr-gaussian:2", 2.0, "dv", 42, 1.9, 1.8, 2.05, 0.01, "ok"),
                run("corr-gaussian:2", 2.0, "dv", 43, 2.1, 2.05, INF, 0.01, "ok", AccuracyTable.NEAR_LIMIT),
                run("independent", 0.0, "dv", 42, 0.001, 0.0, 0.01, 0.5, "ok"),
                run("independent", 0.0, "dv", 43, 0.001, 0.0, 0.01, 0.02, "ok")));
        assertContainsAll(md2, AccuracyTable.HEADER_SEEDS + "\n", "each with 2 seeds",
                "| corr-gaussian:2 | 2.000 | dv | 43 | 2.100 | [2.050, ∞) | +5.0 % | no |",
                "| dv | 4 | 3 | 3 | 100.0 % | 3 | 75.0 % |",
                "| corr-gaussian:2 | dv | 2.000 | 2.000 | 0.141 | +0.0 % | 1/2 | 1/2 |",
                "| independent | dv | 2 | 1 | 2 | 1 | 50.0 % |");
    }

    private static void assertContainsAll(String text, String... parts) {
        for (String p : parts) {
            assertTrue(text.contains(p), () -> "missing " + p + " in\n" + text);
        }
    }
}
