package org.minespark.core;

import java.util.Arrays;

/**
 * The early-stopping rule and the convergence flags of one training run, fed with the per-step
 * minibatch estimates and the periodic validation estimates (nats). Pure bookkeeping, no I/O.
 *
 * <p><b>Early stopping</b> (patience rule, as in Prechelt 1998, "Early stopping - but when?"): a
 * validation value {@code v} that exceeds the reference {@code r} by more than the threshold
 * {@code max(minDelta, se)} is an <i>improvement</i> ({@code r := v}), with {@code se} the standard
 * error of that validation value (its own held-out noise; 0 when not given); after
 * {@code patience} consecutive evaluations without an improvement training stops
 * ({@code patience = 0}: never). So training ends when the estimate has stopped changing by more
 * than its own noise: a strong dependency, whose estimate is noisy, stops sooner, and a weak one
 * (a few hundredths of a nat, with a standard error of a few thousandths) is never stopped by a
 * threshold larger than its standard error unless {@code minDelta} says so. Independently, the weights to keep
 * are those of the highest validation value seen ({@link Verdict#BEST}, strict {@code >}).
 *
 * <p><b>Cool-down</b> ({@link #withCoolDown}): when the patience first runs out, training does not
 * stop at once. The monitor returns {@link Verdict#COOL_DOWN} and the caller anneals the learning
 * rate from its current value to its final value over the next {@link #coolDownEnd()} minus
 * {@code stepsDone} steps, a fixed fraction of the steps done so far (at least
 * {@link #MIN_COOL_DOWN_EVALS} validation intervals), as in a warmup-stable-decay schedule (Hägele
 * et al. 2024). The plateau that patience detects is the level the critic reaches at its current
 * rate, where its parameter noise lowers the bound; the anneal removes most of that noise at a
 * fraction of the cost of the full cosine schedule (measured in docs/accuracy.md). During the
 * cool-down patience does not count; the validation pass at or after {@link #coolDownEnd()}
 * returns {@link Verdict#STOP}. Without a cool-down (fraction 0) the monitor stops at once, as before.
 *
 * <p><b>Divergence</b>: a non-finite minibatch or validation value; {@code extremeSteps}
 * consecutive minibatch values that are extreme: {@code |v| > }{@link #MAX_ABS_NATS} (no finite
 * sample supports a DV value of that size: the critic's outputs have blown up) or, after
 * {@link #WARMUP_STEPS} steps, more than {@link #EXPLODE_NATS} below the running level (an
 * exponential moving average with factor {@link #LEVEL_ALPHA} of the previous non-extreme values);
 * or a validation value that far below the best validation value. The DV value of a minibatch of
 * 1024 pairs fluctuates by well under 1 nat around its level in healthy training (a fall of 25
 * nats needs one pair's e^T to outweigh all others by e^25), so for the DV-type bounds one extreme
 * value is a collapse ({@code extremeSteps = 1}). The NWJ minibatch value
 * {@code mean T - mean e^{T-1}} is linear in e^T and heavy-tailed at high MI: one marginal pair
 * with {@code T = 12} among 1024 pulls it down by about 58 nats for that step only (the next
 * steps' gradients push that T down), so NWJ ({@link #forBound}) needs {@link #NWJ_EXTREME_STEPS}
 * in a row; a spike shorter than that neither counts nor moves the level.
 *
 * <p><b>Flags</b> (with {@code w = }{@link #PLATEAU_EVALS} evaluations, or {@code patience} if
 * smaller and positive):
 * <ul>
 * <li>{@code converged}: stopped early, or at least {@code w} evaluations and none of the last
 *     {@code w} improved on the reference by more than {@code minDelta} (a plateau);</li>
 * <li>{@code stillIncreasing}: not stopped early, not diverged, at least two evaluations, an
 *     improvement by more than {@code minDelta} within the last {@code w} evaluations (not counting
 *     the first evaluation, which always "improves"), and the last value within {@code minDelta}
 *     of the best: the estimate was still rising when the steps ran out;</li>
 * <li>{@code diverged}: see above; excludes the other two.</li>
 * </ul>
 */
public final class ConvergenceMonitor {
    /** A minibatch value this far (nats) below its running level is an explosion. */
    public static final double EXPLODE_NATS = 25.0;
    /** A minibatch DV value larger than this in magnitude (nats) is an explosion. */
    public static final double MAX_ABS_NATS = 1000.0;
    /** Steps before the running-level test applies (the level needs some history). */
    public static final int WARMUP_STEPS = 10;
    /** Consecutive extreme minibatch values that make a divergence of NWJ training. */
    public static final int NWJ_EXTREME_STEPS = 5;
    /** Smoothing factor of the running level of the minibatch values. */
    public static final double LEVEL_ALPHA = 0.05;
    /** Evaluations that make up a plateau (or a recent rise) for the flags. */
    public static final int PLATEAU_EVALS = 3;
    /**
     * The cool-down of training runs ({@link #withCoolDown}), as a fraction of the steps done when the
     * patience runs out. 0.25 bought most of what a longer anneal buys (corr-gaussian:2, seeds 42-43,
     * three critics: ensemble +0.014 nats at 0.25, +0.021 at 1.0, +0.028 for the full 3000-step cosine
     * schedule, at about 1.15x, 1.6x and 2.3x the wall time of no cool-down; docs/accuracy.md).
     */
    public static final double COOL_DOWN_FRACTION = 0.25;
    /** The shortest cool-down, in validation intervals. */
    public static final int MIN_COOL_DOWN_EVALS = 2;

    /** What to do after a validation value. */
    public enum Verdict {
        /** A new best value: keep the current weights, continue. */
        BEST,
        /** Continue training. */
        CONTINUE,
        /**
         * No improvement above min-delta for {@code patience} evaluations: stop. The value may
         * still be a new best ({@link #bestStep()} is then this evaluation's step): keep its weights.
         */
        STOP,
        /** The value is non-finite or collapsed: training diverged. */
        DIVERGED,
        /**
         * No improvement for {@code patience} evaluations, and a cool-down is set: anneal the
         * learning rate to its final value by step {@link #coolDownEnd()}, then stop. The value may
         * still be a new best ({@link #bestStep()}).
         */
        COOL_DOWN
    }

    private final int patience;
    private final double minDelta;
    private final int window;
    private final int extremeSteps;

    private int minibatchSteps;
    private double level = Double.NaN;
    private int extremeRun; // consecutive extreme minibatch values so far

    private double[] values = new double[16];
    private int[] steps = new int[16];
    private int n;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestStep = -1;
    private double reference = Double.NEGATIVE_INFINITY;
    private int lastImprovement = -1;
    private int sinceImprovement;
    private boolean stopped;
    private String divergence;
    private double threshold; // the improvement threshold of the last validation value
    private double coolDownFraction;
    private int evalEvery;
    private int coolDownStart = -1;
    private int coolDownEnd = -1;

    /**
     * @param patience evaluations without improvement before stopping; 0 never stops
     * @param minDelta the improvement (nats) that counts; &gt;= 0
     */
    public ConvergenceMonitor(int patience, double minDelta) {
        this(patience, minDelta, 1);
    }

    /** The monitor of a run of {@code bound} (NWJ tolerates spikes shorter than {@link #NWJ_EXTREME_STEPS}). */
    public static ConvergenceMonitor forBound(int patience, double minDelta, String bound) {
        return new ConvergenceMonitor(patience, minDelta, "nwj".equals(bound) ? NWJ_EXTREME_STEPS : 1);
    }

    /**
     * @param extremeSteps consecutive extreme minibatch values that make a divergence (&gt;= 1)
     */
    ConvergenceMonitor(int patience, double minDelta, int extremeSteps) {
        if (extremeSteps < 1) {
            throw new IllegalArgumentException("extremeSteps must be >= 1, got " + extremeSteps);
        }
        this.extremeSteps = extremeSteps;
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0 (0 = no early stopping), got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("min-delta must be a finite value >= 0 (nats), got " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
        this.threshold = minDelta;
        this.window = patience > 0 ? Math.min(PLATEAU_EVALS, patience) : PLATEAU_EVALS;
    }

    /**
     * Sets the cool-down (see the class): when the patience first runs out after {@code d} steps,
     * anneal over {@code evalEvery * max(MIN_COOL_DOWN_EVALS, ceil(fraction * d / evalEvery))}
     * steps before stopping. {@code fraction} 0 stops at once. Returns this.
     */
    public ConvergenceMonitor withCoolDown(double fraction, int evalEvery) {
        if (!(fraction >= 0) || !Double.isFinite(fraction)) {
            throw new IllegalArgumentException("cool-down fraction must be a finite value >= 0, got " + fraction);
        }
        if (evalEvery < 1) {
            throw new IllegalArgumentException("cool-down: steps between validations must be >= 1, got " + evalEvery);
        }
        this.coolDownFraction = fraction;
        this.evalEvery = evalEvery;
        return this;
    }

    /**
     * Records the minibatch value of {@code step} (0-based); returns true when it shows divergence
     * (then {@link #divergence()} says why). Allocation-free.
     */
    public boolean onStep(int step, double value) {
        if (divergence != null) {
            return true;
        }
        if (!Double.isFinite(value)) {
            divergence = "the minibatch estimate at step " + (step + 1) + " is " + value;
            return true;
        }
        boolean huge = Math.abs(value) > MAX_ABS_NATS;
        boolean fell = minibatchSteps >= WARMUP_STEPS && value < level - EXPLODE_NATS;
        if (huge || fell) {
            extremeRun++;
            if (extremeRun < extremeSteps) {
                return false; // a spike: not counted in the level
            }
            String run = extremeSteps == 1 ? "" : " (" + extremeSteps + " consecutive steps)";
            divergence = huge
                    ? "the minibatch estimate at step " + (step + 1) + " is " + fmt(value) + " nats (|value| > "
                        + fmt(MAX_ABS_NATS) + run + ")"
                    : "the minibatch estimate at step " + (step + 1) + " fell to " + fmt(value)
                        + " nats from a running level of " + fmt(level) + " (more than " + fmt(EXPLODE_NATS)
                        + " nats" + (extremeSteps == 1 ? "" : " for " + extremeSteps + " consecutive steps") + ")";
            return true;
        }
        extremeRun = 0;
        level = minibatchSteps == 0 ? value : (1 - LEVEL_ALPHA) * level + LEVEL_ALPHA * value;
        minibatchSteps++;
        return false;
    }

    /** Records the validation value after {@code stepsDone} steps and decides, with threshold {@code minDelta}. */
    public Verdict onValidation(int stepsDone, double value) {
        return onValidation(stepsDone, value, 0.0);
    }

    /**
     * Records the validation value after {@code stepsDone} steps, with standard error
     * {@code stdErr} (nats; NaN or negative counts as 0), and decides: an improvement must exceed
     * {@code max(minDelta, stdErr)}.
     */
    public Verdict onValidation(int stepsDone, double value, double stdErr) {
        threshold = Math.max(minDelta, stdErr > 0 && Double.isFinite(stdErr) ? stdErr : 0.0);
        if (n == values.length) {
            values = Arrays.copyOf(values, 2 * n);
            steps = Arrays.copyOf(steps, 2 * n);
        }
        values[n] = value;
        steps[n] = stepsDone;
        n++;
        if (divergence != null) {
            return Verdict.DIVERGED;
        }
        if (!Double.isFinite(value)) {
            divergence = "the validation estimate after step " + stepsDone + " is " + value;
            return Verdict.DIVERGED;
        }
        if (value < best - EXPLODE_NATS) {
            divergence = "the validation estimate after step " + stepsDone + " fell to " + fmt(value)
                    + " nats from a best of " + fmt(best) + " (more than " + fmt(EXPLODE_NATS) + " nats)";
            return Verdict.DIVERGED;
        }
        if (value > reference + threshold) {
            reference = value;
            lastImprovement = n - 1;
            sinceImprovement = 0;
        } else {
            sinceImprovement++;
        }
        boolean isBest = value > best;
        if (isBest) {
            best = value;
            bestStep = stepsDone;
        }
        if (coolingDown()) {
            if (stepsDone >= coolDownEnd) {
                stopped = true;
                return Verdict.STOP;
            }
            return isBest ? Verdict.BEST : Verdict.CONTINUE;
        }
        if (patience > 0 && sinceImprovement >= patience) {
            if (coolDownFraction > 0) {
                int intervals = Math.max(MIN_COOL_DOWN_EVALS, (int) Math.ceil(coolDownFraction * stepsDone / evalEvery));
                coolDownStart = stepsDone;
                coolDownEnd = stepsDone + intervals * evalEvery;
                return Verdict.COOL_DOWN;
            }
            stopped = true;
            return Verdict.STOP;
        }
        return isBest ? Verdict.BEST : Verdict.CONTINUE;
    }

    /**
     * Restarts the patience count (the passes without improvement) after a change of the training
     * noise level, such as a batch growth ({@link BatchGrowth}): the new segment gets the full
     * {@code patience} passes to improve on the best value so far. The reference level, the best
     * value and the history are kept.
     */
    public void resetPatience() {
        sinceImprovement = 0;
    }

    /** Whether a cool-down has started ({@link Verdict#COOL_DOWN}; also after it ended in a stop). */
    public boolean coolingDown() {
        return coolDownStart >= 0;
    }

    /** The step count at which the cool-down started, or -1. */
    public int coolDownStart() {
        return coolDownStart;
    }

    /** The step count at which the cool-down ends (the validation pass there stops), or -1. */
    public int coolDownEnd() {
        return coolDownEnd;
    }

    public boolean diverged() {
        return divergence != null;
    }

    /** Why training diverged, or null. */
    public String divergence() {
        return divergence;
    }

    /** True when {@link #onValidation} returned {@link Verdict#STOP}. */
    public boolean stoppedEarly() {
        return stopped;
    }

    public boolean converged() {
        if (diverged()) {
            return false;
        }
        return stopped || n >= window && sinceImprovement >= window;
    }

    public boolean stillIncreasing() {
        if (diverged() || stopped || n < 2) {
            return false;
        }
        return lastImprovement >= 1 && lastImprovement >= n - window && values[n - 1] >= best - threshold;
    }

    /** The improvement threshold (nats) applied to the last validation value: max(minDelta, its standard error). */
    public double threshold() {
        return threshold;
    }

    /** The step count of the best validation value (-1 if none). */
    public int bestStep() {
        return bestStep;
    }

    /** The best validation value (negative infinity if none). */
    public double best() {
        return best;
    }

    public int evaluations() {
        return n;
    }

    /** The validation values in order. */
    public double[] values() {
        return Arrays.copyOf(values, n);
    }

    /** The step counts of the validation values. */
    public int[] steps() {
        return Arrays.copyOf(steps, n);
    }

    /** Writes the complete state (raw bits of every double) for a checkpoint. */
    void writeState(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(minibatchSteps);
        out.writeLong(Double.doubleToRawLongBits(level));
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeLong(Double.doubleToRawLongBits(values[i]));
            out.writeInt(steps[i]);
        }
        out.writeLong(Double.doubleToRawLongBits(best));
        out.writeInt(bestStep);
        out.writeLong(Double.doubleToRawLongBits(reference));
        out.writeInt(lastImprovement);
        out.writeInt(sinceImprovement);
        out.writeBoolean(stopped);
        out.writeBoolean(divergence != null);
        if (divergence != null) {
            out.writeUTF(divergence);
        }
        out.writeInt(extremeRun); // appended last: state written before it existed reads as 0
        out.writeLong(Double.doubleToRawLongBits(threshold)); // likewise: reads as minDelta
        out.writeInt(coolDownStart); // likewise: reads as no cool-down
        out.writeInt(coolDownEnd);
    }

    /** Restores the state written by {@link #writeState} (patience and min-delta come from the constructor). */
    void readState(java.io.DataInputStream in) throws java.io.IOException {
        minibatchSteps = in.readInt();
        level = Double.longBitsToDouble(in.readLong());
        int count = in.readInt();
        if (count < 0) {
            throw new java.io.IOException("corrupt monitor state: " + count + " evaluations");
        }
        values = new double[Math.max(16, count)];
        steps = new int[Math.max(16, count)];
        for (int i = 0; i < count; i++) {
            values[i] = Double.longBitsToDouble(in.readLong());
            steps[i] = in.readInt();
        }
        n = count;
        best = Double.longBitsToDouble(in.readLong());
        bestStep = in.readInt();
        reference = Double.longBitsToDouble(in.readLong());
        lastImprovement = in.readInt();
        sinceImprovement = in.readInt();
        stopped = in.readBoolean();
        divergence = in.readBoolean() ? in.readUTF() : null;
        extremeRun = in.available() >= 4 ? in.readInt() : 0;
        threshold = in.available() >= 8 ? Double.longBitsToDouble(in.readLong()) : minDelta;
        boolean cool = in.available() >= 8;
        coolDownStart = cool ? in.readInt() : -1;
        coolDownEnd = cool ? in.readInt() : -1;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
