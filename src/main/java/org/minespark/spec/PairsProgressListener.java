package org.minespark.spec;

/** Receives the progress of a pairs run on the driver thread; implementations must be quick. */
@FunctionalInterface
public interface PairsProgressListener {
    /**
     * Called after every training step (and when pairs finish).
     *
     * @param pairsDone  pairs whose training is over (finished passes, early-stopped or diverged
     *                   pairs of the current pass, constant pairs)
     * @param pairsTotal pairs of the run
     * @param step       steps done in the current pass
     * @param steps      steps planned per pass
     * @param etaSeconds estimated seconds until training of all pairs ends (NaN before the first step)
     */
    void onProgress(int pairsDone, int pairsTotal, int step, int steps, double etaSeconds);
}
