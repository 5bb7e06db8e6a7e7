package org.minespark.spec;

/** Receives training progress on the driver thread; implementations must be quick. */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Called every {@code logEvery} steps and after the last step.
     *
     * @param step             steps done so far (1-based)
     * @param totalSteps       steps planned
     * @param smoothedNats     exponentially smoothed training-minibatch DV estimate
     * @param samplesPerSecond joint training samples per second so far
     * @param etaSeconds       estimated seconds until training ends
     */
    void onProgress(int step, int totalSteps, double smoothedNats, double samplesPerSecond, double etaSeconds);
}
