package org.minespark.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The complete driver state of a training run after a given number of steps, enough to continue
 * it so that it ends exactly as the uninterrupted run would have: the weights, Adam's first and
 * second moments and step counter (which also fixes the cosine learning-rate position and the
 * bias corrections), the bound's driver state (the moving average of {@code dv}), the
 * {@link ConvergenceMonitor}'s state, the kept (best) weights and their step, the minibatch curve
 * so far, which attempt this is (0, or 1 for the retry after a divergence, with its learning rate
 * and the first attempt's divergence), and a fingerprint of every setting that must be the same
 * for a resume. Random streams need no state: every step draws from a stream derived from
 * (seed, step, partition), so the step count is the RNG position.
 *
 * <p>{@link #write}/{@link #read} use a versioned binary format with a CRC-32 ({@link CheckpointFormat}),
 * so a truncated or damaged file is detected and a round trip is exact. Pure Java; the Spark layer
 * decides where the bytes go. A version-1 file (written before adaptive batch growth existed) reads
 * as "no growth yet" ({@link #batchSize()} 0).
 */
public final class TrainingCheckpoint {
    /** Format version; a checkpoint of another version is refused. */
    public static final int VERSION = 2;

    final Map<String, String> fingerprint;
    final int attempt;
    final double learningRate;
    final String firstDivergence;
    final int step;
    final boolean finished;
    final float[][] params;
    final float[][] m;
    final float[][] v;
    final int adamT;
    final double[] boundState;
    final byte[] monitorState;
    final float[][] kept;
    final int keptStep;
    final double[] curve;
    final double trainingSeconds;
    /** The global batch of the next step (adaptive growth), 0 = not recorded (use the spec's batch). */
    final int batchSize;
    /** The steps after which the batch grew, in order. */
    final int[] batchGrowthSteps;

    /** The state as given (no copies but the fingerprint and growth steps): {@link #capture} and {@link CheckpointFormat#read}. */
    TrainingCheckpoint(Map<String, String> fingerprint, int attempt, double learningRate,
                       String firstDivergence, int step, boolean finished, float[][] params, float[][] m,
                       float[][] v, int adamT, double[] boundState, byte[] monitorState, float[][] kept,
                       int keptStep, double[] curve, double trainingSeconds, int batchSize,
                       int[] batchGrowthSteps) {
        this.fingerprint = Collections.unmodifiableMap(new LinkedHashMap<>(fingerprint));
        this.attempt = attempt;
        this.learningRate = learningRate;
        this.firstDivergence = firstDivergence;
        this.step = step;
        this.finished = finished;
        this.params = params;
        this.m = m;
        this.v = v;
        this.adamT = adamT;
        this.boundState = boundState;
        this.monitorState = monitorState;
        this.kept = kept;
        this.keptStep = keptStep;
        this.curve = curve;
        this.trainingSeconds = trainingSeconds;
        this.batchSize = batchSize;
        this.batchGrowthSteps = batchGrowthSteps.clone();
    }

    /**
     * This checkpoint with the batch state of adaptive growth ({@link BatchGrowth}): the global
     * batch of the next step and the steps after which it grew.
     */
    public TrainingCheckpoint withBatch(int batchSize, int[] batchGrowthSteps) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("checkpoint: batch size must be >= 1, got " + batchSize);
        }
        return new TrainingCheckpoint(fingerprint, attempt, learningRate, firstDivergence, step, finished, params, m,
                v, adamT, boundState, monitorState, kept, keptStep, curve, trainingSeconds, batchSize,
                batchGrowthSteps);
    }

    /** The global batch of the next step, or 0 when not recorded (then the run's configured batch). */
    public int batchSize() {
        return batchSize;
    }

    /** The steps after which the batch grew (a copy; empty without growth). */
    public int[] batchGrowthSteps() {
        return batchGrowthSteps.clone();
    }

    /**
     * A deep copy of the state of a run after {@code step} steps.
     *
     * @param fingerprint     setting name to value; a resume requires the same map
     * @param attempt         0, or 1 for the retry after a divergence
     * @param learningRate    the base learning rate of this attempt
     * @param firstDivergence why the first attempt diverged (attempt 1), else null
     * @param finished        training is over (all steps run or stopped early)
     * @param kept            the weights kept so far (best on validation), or null
     * @param curve           the per-step minibatch values; the first {@code step} are stored
     */
    public static TrainingCheckpoint capture(Map<String, String> fingerprint, int attempt, double learningRate,
                                             String firstDivergence, int step, boolean finished, MineOptimizer opt,
                                             ConvergenceMonitor monitor, float[][] kept, int keptStep, double[] curve,
                                             double trainingSeconds) {
        if (attempt < 0 || step < 0 || step > curve.length) {
            throw new IllegalArgumentException("checkpoint: bad attempt " + attempt + " or step " + step
                    + " (curve of " + curve.length + ")");
        }
        ByteArrayOutputStream mon = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(mon)) {
            monitor.writeState(d);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new TrainingCheckpoint(fingerprint, attempt, learningRate, firstDivergence, step, finished,
                deepCopy(opt.params()), deepCopy(opt.adamM()), deepCopy(opt.adamV()), opt.stepsDone(),
                opt.boundState().clone(), mon.toByteArray(), kept == null ? null : deepCopy(kept), keptStep,
                Arrays.copyOf(curve, step), trainingSeconds, 0, new int[0]);
    }

    /**
     * Puts the stored state into a freshly built optimiser and monitor (same critic shape, bound,
     * patience and min-delta: the fingerprint guarantees that).
     *
     * @throws IllegalArgumentException if the tensor shapes or the bound state size differ
     */
    public void restore(MineOptimizer opt, ConvergenceMonitor monitor) {
        copyInto(params, opt.params(), "weights");
        copyInto(m, opt.adamM(), "Adam first moments");
        copyInto(v, opt.adamV(), "Adam second moments");
        double[] bs = opt.boundState();
        if (bs.length != boundState.length) {
            throw new IllegalArgumentException("checkpoint: the bound keeps " + bs.length + " state values, the"
                    + " checkpoint " + boundState.length);
        }
        System.arraycopy(boundState, 0, bs, 0, bs.length);
        opt.restoreStepsDone(adamT);
        try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(monitorState))) {
            monitor.readState(d);
        } catch (IOException e) {
            throw new IllegalArgumentException("checkpoint: corrupt monitor state: " + e.getMessage(), e);
        }
    }

    /** Writes the checkpoint (with its trailing CRC-32); does not close {@code out}. */
    public void write(OutputStream out) throws IOException {
        CheckpointFormat.write(this, out);
    }

    /**
     * Reads a checkpoint written by {@link #write}.
     *
     * @throws IOException if the stream is not a checkpoint of this version, is truncated or its
     *                     checksum does not match
     */
    public static TrainingCheckpoint read(InputStream in) throws IOException {
        return CheckpointFormat.read(in);
    }

    /**
     * The settings on which {@code stored} (from a checkpoint) and {@code current} (this run)
     * differ, one "name: checkpoint A, this run B" entry each; empty when they match.
     */
    public static List<String> differences(Map<String, String> stored, Map<String, String> current) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(stored.keySet());
        keys.addAll(current.keySet());
        for (String k : keys) {
            String a = stored.get(k);
            String b = current.get(k);
            if (a == null ? b != null : !a.equals(b)) {
                out.add(k + ": checkpoint " + (a == null ? "(none)" : a) + ", this run " + (b == null ? "(none)" : b));
            }
        }
        return out;
    }

    public Map<String, String> fingerprint() {
        return fingerprint;
    }

    public int attempt() {
        return attempt;
    }

    public double learningRate() {
        return learningRate;
    }

    /** Why the first attempt diverged (set when {@link #attempt()} is 1), else null. */
    public String firstDivergence() {
        return firstDivergence;
    }

    /** Steps done. */
    public int step() {
        return step;
    }

    /** True when training was over (all steps run, or stopped early) when this was written. */
    public boolean finished() {
        return finished;
    }

    /** The kept weights (a copy), or null. */
    public float[][] kept() {
        return kept == null ? null : deepCopy(kept);
    }

    public int keptStep() {
        return keptStep;
    }

    /** The per-step minibatch values of the steps done (a copy). */
    public double[] curve() {
        return curve.clone();
    }

    /** Wall time of the step loop so far, seconds (reporting only). */
    public double trainingSeconds() {
        return trainingSeconds;
    }

    private static float[][] deepCopy(float[][] t) {
        float[][] c = new float[t.length][];
        for (int i = 0; i < t.length; i++) {
            c[i] = t[i].clone();
        }
        return c;
    }

    private static void copyInto(float[][] from, float[][] to, String what) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("checkpoint: " + what + " have " + from.length + " tensors, the critic "
                    + to.length);
        }
        for (int i = 0; i < from.length; i++) {
            if (from[i].length != to[i].length) {
                throw new IllegalArgumentException("checkpoint: " + what + " tensor " + i + " has " + from[i].length
                        + " values, the critic's " + to[i].length);
            }
            System.arraycopy(from[i], 0, to[i], 0, from[i].length);
        }
    }
}
