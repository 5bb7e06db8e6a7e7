package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.minespark.core.ConvergenceMonitor.Verdict;

/** The stopping rule and flags on hand-made sequences of validation and minibatch values. */
class ConvergenceMonitorTest {

    private static Verdict[] feed(ConvergenceMonitor m, int every, double... values) {
        Verdict[] v = new Verdict[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = m.onValidation((i + 1) * every, values[i]);
        }
        return v;
    }

    @Test
    void onValidation_noGainForPatiencePasses_stopsAndKeepsBest() {
        ConvergenceMonitor m = new ConvergenceMonitor(3, 0.01);
        Verdict[] v = feed(m, 100, 1.0, 2.0, 2.5, 2.505, 2.49, 2.508);
        // 2.505 and 2.508 are new bests (weights kept) but not gains above 0.01 over 2.5
        assertArrayEquals(new Verdict[] {Verdict.BEST, Verdict.BEST, Verdict.BEST, Verdict.BEST,
            Verdict.CONTINUE, Verdict.STOP}, v);
        assertTrue(m.stoppedEarly());
        assertTrue(m.converged());
        assertFalse(m.stillIncreasing());
        assertFalse(m.diverged());
        assertEquals(600, m.bestStep(), "the stopping pass is also the best: its weights are kept");
        assertEquals(2.508, m.best(), 0.0);
    }

    @Test
    void onValidation_withCoolDown_annealsAFractionOfTheStepsThenStops() {
        // patience 3 runs out at step 600 (no gain above 0.01 after 2.5 at step 300): a quarter of
        // 600 steps is 150, rounded up to whole validation intervals of 100 = 200 steps of cool-down
        ConvergenceMonitor m = new ConvergenceMonitor(3, 0.01).withCoolDown(0.25, 100);
        Verdict[] v = feed(m, 100, 1.0, 2.0, 2.5, 2.505, 2.49, 2.5);
        assertEquals(Verdict.COOL_DOWN, v[5]);
        assertFalse(m.stoppedEarly(), "a cool-down is not a stop yet");
        assertTrue(m.coolingDown());
        assertEquals(600, m.coolDownStart());
        assertEquals(800, m.coolDownEnd());
        // during the cool-down patience does not count; a new best is still reported (its weights kept)
        assertEquals(Verdict.BEST, m.onValidation(700, 2.52));
        assertEquals(Verdict.STOP, m.onValidation(800, 2.51), "the pass at the end of the cool-down stops");
        assertTrue(m.stoppedEarly());
        assertTrue(m.converged());
        assertEquals(700, m.bestStep());
    }

    @Test
    void withCoolDown_shortRunGetsTheMinimumAndZeroStopsAtOnce() {
        // after 3 passes of 10 steps a quarter is 7.5 steps: the minimum of two intervals (20 steps)
        ConvergenceMonitor m = new ConvergenceMonitor(2, 0.0).withCoolDown(0.25, 10);
        assertArrayEquals(new Verdict[] {Verdict.BEST, Verdict.CONTINUE, Verdict.COOL_DOWN}, feed(m, 10, 1, 1, 1));
        assertEquals(30 + ConvergenceMonitor.MIN_COOL_DOWN_EVALS * 10, m.coolDownEnd());
        ConvergenceMonitor off = new ConvergenceMonitor(2, 0.0).withCoolDown(0.0, 10);
        assertArrayEquals(new Verdict[] {Verdict.BEST, Verdict.CONTINUE, Verdict.STOP}, feed(off, 10, 1, 1, 1));
        assertFalse(off.coolingDown());
        assertThrows(IllegalArgumentException.class, () -> new ConvergenceMonitor(2, 0).withCoolDown(-0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> new ConvergenceMonitor(2, 0).withCoolDown(0.25, 0));
    }

    @Test
    void state_roundTripsTheCoolDown_andOldStateReadsAsNone() throws java.io.IOException {
        ConvergenceMonitor m = new ConvergenceMonitor(2, 0.0).withCoolDown(0.5, 100);
        feed(m, 100, 1, 1, 1, 1, 1, 1);
        assertTrue(m.coolingDown());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            m.writeState(out);
        }
        ConvergenceMonitor back = new ConvergenceMonitor(2, 0.0).withCoolDown(0.5, 100);
        back.readState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(m.coolDownStart(), back.coolDownStart());
        assertEquals(m.coolDownEnd(), back.coolDownEnd());
        assertEquals(Verdict.STOP, back.onValidation(m.coolDownEnd(), 1), "the restored monitor ends the cool-down");
        // state written before the cool-down existed (without its two trailing ints): no cool-down
        byte[] old = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 8);
        ConvergenceMonitor fromOld = new ConvergenceMonitor(2, 0.0);
        fromOld.readState(new java.io.DataInputStream(new java.io.ByteArrayInputStream(old)));
        assertFalse(fromOld.coolingDown());
        assertEquals(-1, fromOld.coolDownEnd());
    }

    @Test
    void resetPatience_beforeAPass_restartsTheWindow() {
        ConvergenceMonitor m = new ConvergenceMonitor(3, 0.01);
        // two passes without gain after 2.5: one more would stop
        feed(m, 100, 1.0, 2.5, 2.4, 2.45);
        m.resetPatience(); // e.g. the batch grew after step 400
        assertEquals(Verdict.CONTINUE, m.onValidation(500, 2.47), "the growth pass does not stop the run");
        assertEquals(Verdict.CONTINUE, m.onValidation(600, 2.48));
        assertEquals(Verdict.STOP, m.onValidation(700, 2.49), "three passes after the reset without gain");
        assertEquals(2.5, m.best(), 0.0);
        assertEquals(200, m.bestStep());
    }

    @Test
    void onValidation_patienceZero_neverStops() {
        ConvergenceMonitor m = new ConvergenceMonitor(0, 0.01);
        for (Verdict v : feed(m, 10, 1, 1, 1, 1, 1, 1, 1, 1)) {
            assertTrue(v == Verdict.BEST || v == Verdict.CONTINUE, v.toString());
        }
        assertFalse(m.stoppedEarly());
        assertTrue(m.converged(), "flat for the last 3 passes is a plateau");
        assertEquals(10, m.bestStep(), "ties do not replace the kept weights");
    }

    @Test
    void flags_risingAtTheEnd_stillIncreasingNotConverged() {
        ConvergenceMonitor m = new ConvergenceMonitor(5, 0.01);
        feed(m, 250, 0.5, 1.0, 1.4, 1.7, 1.9);
        assertTrue(m.stillIncreasing());
        assertFalse(m.converged());
        assertFalse(m.stoppedEarly());
    }

    @Test
    void flags_plateauWithoutStop_converged() {
        ConvergenceMonitor m = new ConvergenceMonitor(5, 0.05);
        feed(m, 250, 1.0, 2.0, 2.02, 2.01, 2.03);
        assertFalse(m.stoppedEarly());
        assertTrue(m.converged(), "three passes within 0.05 of 2.0");
        assertFalse(m.stillIncreasing());
    }

    @Test
    void flags_fellBackAfterARise_neither() {
        ConvergenceMonitor m = new ConvergenceMonitor(5, 0.01);
        feed(m, 250, 1.0, 1.5, 2.0, 1.6);
        assertFalse(m.converged(), "the last gain was 1 pass ago");
        assertFalse(m.stillIncreasing(), "the last value is 0.4 below the best");
    }

    @Test
    void flags_singleEvaluation_neither() {
        ConvergenceMonitor m = new ConvergenceMonitor(5, 0.01);
        feed(m, 250, 1.0);
        assertFalse(m.converged());
        assertFalse(m.stillIncreasing());
    }

    @Test
    void onValidation_nonFiniteOrCollapse_diverged() {
        ConvergenceMonitor nan = new ConvergenceMonitor(5, 0.01);
        assertEquals(Verdict.DIVERGED, feed(nan, 10, 1.0, Double.NaN)[1]);
        assertTrue(nan.diverged());
        assertFalse(nan.converged());
        assertTrue(nan.divergence().contains("NaN"), nan.divergence());

        ConvergenceMonitor drop = new ConvergenceMonitor(5, 0.01);
        assertEquals(Verdict.DIVERGED, feed(drop, 10, 2.0, 2.0 - ConvergenceMonitor.EXPLODE_NATS - 0.1)[1]);
        assertFalse(drop.stillIncreasing());
    }

    @Test
    void onStep_nanOrHugeOrCollapse_diverges() {
        ConvergenceMonitor a = new ConvergenceMonitor(5, 0.01);
        assertFalse(a.onStep(0, 0.1));
        assertTrue(a.onStep(1, Double.POSITIVE_INFINITY));
        assertTrue(a.divergence().contains("step 2"), a.divergence());

        ConvergenceMonitor b = new ConvergenceMonitor(5, 0.01);
        assertTrue(b.onStep(0, -2 * ConvergenceMonitor.MAX_ABS_NATS));

        ConvergenceMonitor c = new ConvergenceMonitor(5, 0.01);
        for (int s = 0; s < ConvergenceMonitor.WARMUP_STEPS; s++) {
            assertFalse(c.onStep(s, 3.0));
        }
        assertFalse(c.onStep(10, 3.0 - ConvergenceMonitor.EXPLODE_NATS + 1), "24 nats below: noise-free but allowed");
        assertTrue(c.onStep(11, 3.0 - ConvergenceMonitor.EXPLODE_NATS - 2));
        assertTrue(c.diverged());
    }

    @Test
    void onStep_nwj_isolatedSpikesAreNotDivergenceButARunOfThemIs() {
        // an NWJ minibatch value with one marginal pair at T = 12 among 1024: about 58 nats down for
        // one step; such spikes every third step, never NWJ_EXTREME_STEPS in a row
        ConvergenceMonitor m = ConvergenceMonitor.forBound(5, 0.01, "nwj");
        ConvergenceMonitor dv = ConvergenceMonitor.forBound(5, 0.01, "dv");
        boolean dvDiverged = false;
        for (int s = 0; s < 400; s++) {
            double v = (s % 3 == 2 && s > 20) ? 4.0 - 58.0 : 4.0;
            assertFalse(m.onStep(s, v), "step " + s);
            dvDiverged |= dv.onStep(s, v);
        }
        assertFalse(m.diverged());
        assertTrue(dvDiverged, "for dv one such fall is a collapse");
        // the spikes did not drag the running level down, and a run of extreme values is a collapse
        int k = ConvergenceMonitor.NWJ_EXTREME_STEPS;
        for (int s = 0; s < k - 1; s++) {
            assertFalse(m.onStep(400 + s, 4.0 - ConvergenceMonitor.EXPLODE_NATS - 1));
        }
        assertTrue(m.onStep(400 + k - 1, 4.0 - ConvergenceMonitor.EXPLODE_NATS - 1));
        assertTrue(m.divergence().contains("running level of 4.000") && m.divergence().contains(k + " consecutive"),
                m.divergence());

        ConvergenceMonitor huge = ConvergenceMonitor.forBound(5, 0.01, "nwj");
        for (int s = 0; s < k - 1; s++) {
            assertFalse(huge.onStep(s, -2 * ConvergenceMonitor.MAX_ABS_NATS));
        }
        assertTrue(huge.onStep(k - 1, -2 * ConvergenceMonitor.MAX_ABS_NATS));
        assertTrue(huge.onStep(k, Double.NaN), "stays diverged");
    }

    @Test
    void onStep_earlyLargeSwingsDuringWarmup_notDivergence() {
        ConvergenceMonitor m = new ConvergenceMonitor(5, 0.01);
        assertFalse(m.onStep(0, 0.0));
        assertFalse(m.onStep(1, -40.0), "the first steps have no running level yet");
    }

    @Test
    void constructor_badValues_nameTheParameter() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ConvergenceMonitor(-1, 0.01))
                .getMessage().contains("patience"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ConvergenceMonitor(3, Double.NaN))
                .getMessage().contains("min-delta"));
    }

    @Test
    void history_recordsStepsAndValues() {
        ConvergenceMonitor m = new ConvergenceMonitor(0, 0.0);
        double[] vals = new double[40];
        for (int i = 0; i < vals.length; i++) {
            vals[i] = i * 0.1;
        }
        feed(m, 5, vals);
        assertEquals(40, m.evaluations());
        assertArrayEquals(vals, m.values());
        assertEquals(200, m.steps()[39]);
    }

    /**
     * The threshold is max(min-delta, the validation value's standard error): gains of 0.02 nats
     * count for an estimate whose standard error is 0.005 (a weak dependency), and the same gains
     * do not count when the standard error is 0.05 (a noisy strong one), which then stops.
     */
    @Test
    void onValidation_thresholdIsTheLargerOfMinDeltaAndTheStandardError() {
        ConvergenceMonitor weak = new ConvergenceMonitor(2, 0.0);
        ConvergenceMonitor strong = new ConvergenceMonitor(2, 0.0);
        Verdict[] w = new Verdict[4];
        Verdict[] s = new Verdict[4];
        for (int i = 0; i < 4; i++) {
            w[i] = weak.onValidation(100 * (i + 1), 0.02 * (i + 1), 0.005);
            s[i] = strong.onValidation(100 * (i + 1), 4.0 + 0.02 * (i + 1), 0.05);
        }
        assertArrayEquals(new Verdict[] {Verdict.BEST, Verdict.BEST, Verdict.BEST, Verdict.BEST}, w);
        assertFalse(weak.stoppedEarly());
        assertEquals(0.005, weak.threshold(), 0.0);
        assertArrayEquals(new Verdict[] {Verdict.BEST, Verdict.BEST, Verdict.STOP, Verdict.BEST}, s,
                "4.04 and 4.06 are within 0.05 of the reference 4.02: two passes without a gain stop");
        assertEquals(0.05, strong.threshold(), 0.0);
        // min-delta above the standard error wins; a NaN or negative standard error counts as 0
        ConvergenceMonitor fixed = new ConvergenceMonitor(1, 0.1);
        fixed.onValidation(100, 1.0, 0.01);
        assertEquals(0.1, fixed.threshold(), 0.0);
        fixed.onValidation(200, 1.0, Double.NaN);
        assertEquals(0.1, fixed.threshold(), 0.0);
    }
}
