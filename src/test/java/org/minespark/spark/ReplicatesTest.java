package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.minespark.core.BoundStats;
import org.minespark.core.ConvergenceMonitor;
import org.minespark.core.DvEvalStats;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/**
 * A replicate critic other than the primary (replicate 0, whose training the result shows) that
 * diverged and was retried is reported in the result's warnings, not only in the log.
 */
class ReplicatesTest {
    private static Engine.Outcome outcome(String status, String firstDivergence) {
        Pass.Trained t = new Pass.Trained(null, new double[0], 1.0, 100, 100, new ConvergenceMonitor(3, 0.0),
                firstDivergence == null ? 1e-3 : 1e-4, firstDivergence, 1000, 1024, new int[0], 0, null);
        return new Engine.Outcome(status, null, t, null, List.of(), 1.0);
    }

    /** Held-out DV statistics of n rows: joint scores 2, marginal scores 0 but for {@code spikes} rows at 12. */
    private static DvEvalStats heldOut(int n, int spikes) {
        float[] joint = new float[n];
        float[] marg = new float[n];
        java.util.Arrays.fill(joint, 2f);
        for (int i = 0; i < spikes; i++) {
            marg[i * (n / spikes)] = 12f;
        }
        DvEvalStats s = new DvEvalStats();
        s.add(joint, marg, n);
        return s;
    }

    private static Engine.Outcome evaluated(BoundStats b) {
        return new Engine.Outcome(PairResult.OK, null, outcome(PairResult.OK, null).trained(), new EvalStats(b, null),
                List.of(), 1.0);
    }

    @Test
    void interval_oneSidedBecauseAnotherReplicateIsNearTheLimit_flagsTheResultWithThatCriticsWarning() {
        // replicates 0 and 1: marginal ESS far above 100 of 20 000 rows (no spike: all weights equal);
        // replicate 2: 5 spikes at e^12 dominate the partition term, ESS about 5 (< 100 and < 10 %)
        BoundStats calm = heldOut(20_000, 0);
        BoundStats spiky = heldOut(20_000, 5);
        assertFalse(Evaluation.nearLimit(calm));
        assertTrue(Evaluation.nearLimit(spiky), "ESS " + spiky.marginalEss());
        Engine.Outcome[] all = {evaluated(calm), evaluated(heldOut(20_000, 0)), evaluated(spiky)};
        MiResult primary = new MiResult(2.0, 1.95, 2.05, 0.02, 100_000, 0, 80_000, 20_000, 300, "dv", "vector", 12.5, 10.0,
                61_440.0, new double[] {0.1, 1.5, 2.0});
        assertFalse(primary.reliability().nearEstimatorLimit());
        MiResult r = Replicates.interval(primary, all, null);
        assertTrue(r.interval().oneSided());
        assertTrue(r.reliability().nearEstimatorLimit(), "a one-sided interval comes with the flag");
        assertEquals(spiky.marginalEss(), r.reliability().marginalEss(), 1e-9);
        String w = r.warnings().get(r.warnings().size() - 1);
        assertTrue(w.startsWith("replicate critic 2 of 3: near_estimator_limit:"), w);

        // no critic near the limit: two-sided, flag unchanged, no warning added
        Engine.Outcome[] calmAll = {evaluated(heldOut(20_000, 0)), evaluated(heldOut(20_000, 0))};
        MiResult two = Replicates.interval(primary, calmAll, null);
        assertFalse(two.interval().oneSided());
        assertFalse(two.reliability().nearEstimatorLimit());
        assertEquals(primary.warnings(), two.warnings());
    }

    @Test
    void retried_aNonPrimaryReplicate_isWarnedWithItsIndexAndWhyItDiverged() {
        Engine.Outcome[] all = {outcome(PairResult.OK, null), outcome(PairResult.OK, null),
                outcome(PairResult.OK, "the minibatch estimate at step 499 fell to -72.19 nats")};
        List<String> w = Replicates.retried(all, Replicates.primary(all), 1e-3, 1e-4, false);
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("replicate critic 2 of 3: training diverged at learning rate 0.001"), w.get(0));
        assertTrue(w.get(0).contains("step 499 fell to -72.19 nats") && w.get(0).contains("0.0001"), w.get(0));
        assertTrue(w.get(1).contains("mean of the replicate critics' estimates"), w.get(1));
    }

    @Test
    void retried_onlyThePrimary_leavesItsOwnWarningAndSaysTheEnsembleWasNotUsed() {
        Engine.Outcome[] all = {outcome(PairResult.OK, "exploded"), outcome(PairResult.OK, null),
                outcome(PairResult.OK, null)};
        List<String> w = Replicates.retried(all, Replicates.primary(all), 1e-3, 1e-4, false);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("not the estimate of their ensemble"), w.get(0));
    }

    @Test
    void retried_noRetry_orOneCritic_noWarning() {
        Engine.Outcome[] none = {outcome(PairResult.OK, null), outcome(PairResult.OK, null)};
        assertEquals(List.of(), Replicates.retried(none, none[0], 1e-3, 1e-4, false));
        Engine.Outcome[] one = {outcome(PairResult.OK, "exploded")};
        assertEquals(List.of(), Replicates.retried(one, one[0], 1e-3, 1e-4, false));
    }
}
