package org.minespark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/** {@link Baseline}: parsing, which runs each kind uses, the rolling band, and drift against it. */
class BaselineTest {
    private static final LocalDate D = LocalDate.parse("2026-03-10");

    private static ResultsHistory.Row row(String date, String seg, String pair, double mi, double half, boolean dep) {
        String[] xy = pair.split(" ~ ");
        return new ResultsHistory.Row(LocalDate.parse(date), seg, pair, xy[0], xy[1], mi, mi - half, mi + half,
                MiResult.linfoot(mi), dep, true, PairResult.OK);
    }

    static PairResult ok(String pair, double mi, double half, boolean dependent) {
        String[] xy = pair.split(" ~ ");
        return new PairResult(pair, xy[0], xy[1], mi, mi - half, mi + half, new MiResult.Significance(
                MiResult.Significance.TEST_PERMUTATION, 99, 0.05, dependent ? 0.01 : 0.5, dependent, 0.0, 0.01),
                1000, 200, 10, 10, true, false, false, false, 1, PairResult.OK, "");
    }

    private static List<ResultsHistory.Row> history() {
        List<ResultsHistory.Row> h = new ArrayList<>();
        // a ~ b: 0.50, 0.60, 0.40 over three runs (CI half-width 0.01): run-to-run sd 0.1 dominates
        h.add(row("2026-03-07", null, "a ~ b", 0.50, 0.01, true));
        h.add(row("2026-03-08", null, "a ~ b", 0.60, 0.01, true));
        h.add(row("2026-03-09", null, "a ~ b", 0.40, 0.01, false));
        h.add(row("2026-03-11", null, "a ~ b", 9.0, 0.01, true)); // a later date (a backfill): never a baseline of D
        return h;
    }

    @Test
    void parse_badValues_nameFlagKeyAndValue() {
        for (String bad : new String[] {"rolling:0", "rolling:x", "date:2026-13-01", "last", ""}) {
            String m = assertThrows(IllegalArgumentException.class, () -> Baseline.parse(bad)).getMessage();
            assertTrue(m.startsWith("--baseline / mine.pairs.baseline: expected previous, rolling:N") && m.contains("'" + bad + "'"), m);
        }
    }

    @Test
    void previous_isTheLatestEarlierRun() {
        Baseline b = Baseline.parse("previous").resolve(history(), D, "t");
        assertEquals(List.of(LocalDate.parse("2026-03-09")), b.dates());
        assertEquals(0.40, b.ref(null, "a ~ b").mi(), 1e-12);
        assertFalse(b.ref(null, "a ~ b").dependent());
        assertNull(b.ref("seg", "a ~ b"), "segments are keys of their own");
    }

    @Test
    void rolling_meanAndBandFromSpread_verdictByMajority() {
        Baseline b = Baseline.parse("rolling:3").resolve(history(), D, "t");
        Baseline.Ref r = b.ref(null, "a ~ b");
        assertEquals(3, r.runs());
        assertEquals(0.5, r.mi(), 1e-12);
        // sd of {0.5, 0.6, 0.4} = 0.1: the band is 0.5 +- 0.196 (the CIs, +-0.01, are narrower)
        assertEquals(0.5 - 0.196, r.low(), 1e-12);
        assertEquals(0.5 + 0.196, r.high(), 1e-12);
        assertTrue(r.dependent(), "2 of 3 runs dependent");
        assertEquals("rolling:3 (2026-03-07..2026-03-09)", b.label());
        // 0.65 is inside the band: no drift although it is outside each single run's CI; 0.9 is beyond it
        assertTrue(b.drift(List.of(new SegmentPair(null, ok("a ~ b", 0.65, 0.01, true))), 0.0).isEmpty());
        assertEquals(1, b.drift(List.of(new SegmentPair(null, ok("a ~ b", 0.9, 0.01, true))), 0.0).size());
        // the window is the last N earlier runs: rolling:2 = 0.6 and 0.4
        assertEquals(0.5, Baseline.parse("rolling:2").resolve(history(), D, "t").ref(null, "a ~ b").mi(), 1e-12);
        assertEquals(2, Baseline.parse("rolling:9").resolve(history(), D, "t").ref(null, "a ~ b").runs() - 1);
    }

    @Test
    void date_usesThatRun_missingDateIsAnErrorListingTheRuns() {
        Baseline b = Baseline.parse("date:2026-03-08").resolve(history(), D, "DIR/results");
        assertEquals(0.60, b.ref(null, "a ~ b").mi(), 1e-12);
        String m = assertThrows(IllegalArgumentException.class,
                () -> Baseline.parse("date:2026-03-01").resolve(history(), D, "DIR/results")).getMessage();
        assertEquals("--baseline date:2026-03-01: no earlier run of 2026-03-01 in DIR/results (runs: [2026-03-07, "
                + "2026-03-08, 2026-03-09, 2026-03-11])", m);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Baseline.parse("date:2026-03-01")
                .resolve(List.of(), D, "DIR/results")).getMessage().endsWith("(it has no runs yet)"));
    }

    @Test
    void noEarlierRun_noReferenceNoDrift() {
        Baseline b = Baseline.parse("rolling:3").resolve(List.of(), D, "t");
        assertFalse(b.present());
        assertNull(b.ref(null, "a ~ b"));
        assertTrue(b.drift(List.of(new SegmentPair(null, ok("a ~ b", 5, 0.01, true))), 0.0).isEmpty());
    }
}
