package org.minespark.spark;

/**
 * A run's training work in pair-steps, for the progress and the ETA: the planned work shrinks when
 * a pair stops early and grows for a retry. Driver side only.
 */
final class Work {
    private final long t0 = System.nanoTime();
    private final int total;
    private final int steps;
    private final Engine.Progress progress;
    private long planned;
    private long done;
    private int pairsDone;

    Work(int total, int steps, long planned, int pairsDone, Engine.Progress progress) {
        this.total = total;
        this.steps = steps;
        this.planned = planned;
        this.pairsDone = pairsDone;
        this.progress = progress;
    }

    void endPair(int stepsLeft) {
        planned -= stepsLeft;
        pairsDone++;
    }

    void stepped(int active) {
        done += active;
    }

    void retry(int pairs) {
        planned += (long) pairs * steps;
        pairsDone -= pairs;
    }

    void report(int step, double smoothed, double sps) {
        if (progress == null) {
            return;
        }
        double el = (System.nanoTime() - t0) / 1e9;
        double eta = done > 0 ? el / done * Math.max(0, planned - done) : Double.NaN;
        progress.onStep(step, steps, pairsDone, total, smoothed, sps, eta);
    }
}
