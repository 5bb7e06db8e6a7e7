package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.minespark.core.ConvergenceMonitor;
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
