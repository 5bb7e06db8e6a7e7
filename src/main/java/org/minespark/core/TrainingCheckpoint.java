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
import java.util.zip.CRC32;

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
 * <p>Binary format (big-endian, {@link DataOutputStream}): magic {@code MINECKPT}, version, the
 * fields, then a CRC-32 of everything before it, so a truncated or damaged file is detected.
 * Floats and doubles are stored as their raw bits, so a round trip is exact (NaN payloads too).
 * Pure Java; the Spark layer decides where the bytes go. Version 2 appends the adaptive batch state
 * (the global batch of the next step, the growth steps; {@link #withBatch}); a version-1 file
 * (written before batch growth existed) reads as "no growth yet" ({@link #batchSize()} 0).
 */
public final class TrainingCheckpoint {
    private static final byte[] MAGIC = {'M', 'I', 'N', 'E', 'C', 'K', 'P', 'T'};
    /** Format version; a checkpoint of another version is refused. */
    public static final int VERSION = 2;

    private final Map<String, String> fingerprint;
    private final int attempt;
    private final double learningRate;
    private final String firstDivergence;
    private final int step;
    private final boolean finished;
    private final float[][] params;
    private final float[][] m;
    private final float[][] v;
    private final int adamT;
    private final double[] boundState;
    private final byte[] monitorState;
    private final float[][] kept;
    private final int keptStep;
    private final double[] curve;
    private final double trainingSeconds;
    /** The global batch of the next step (adaptive growth), 0 = not recorded (use the spec's batch). */
    private final int batchSize;
    /** The steps after which the batch grew, in order. */
    private final int[] batchGrowthSteps;

    private TrainingCheckpoint(Map<String, String> fingerprint, int attempt, double learningRate,
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
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + 12 * size(params));
        DataOutputStream d = new DataOutputStream(buf);
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(fingerprint.size());
        for (Map.Entry<String, String> e : fingerprint.entrySet()) {
            d.writeUTF(e.getKey());
            d.writeUTF(e.getValue());
        }
        d.writeInt(attempt);
        d.writeLong(Double.doubleToRawLongBits(learningRate));
        d.writeBoolean(firstDivergence != null);
        if (firstDivergence != null) {
            d.writeUTF(firstDivergence);
        }
        d.writeInt(step);
        d.writeBoolean(finished);
        writeTensors(d, params);
        writeTensors(d, m);
        writeTensors(d, v);
        d.writeInt(adamT);
        writeDoubles(d, boundState);
        d.writeInt(monitorState.length);
        d.write(monitorState);
        d.writeBoolean(kept != null);
        if (kept != null) {
            writeTensors(d, kept);
        }
        d.writeInt(keptStep);
        writeDoubles(d, curve);
        d.writeLong(Double.doubleToRawLongBits(trainingSeconds));
        d.writeInt(batchSize);
        d.writeInt(batchGrowthSteps.length);
        for (int g : batchGrowthSteps) {
            d.writeInt(g);
        }
        d.flush();
        CRC32 crc = new CRC32();
        crc.update(buf.toByteArray());
        d.writeLong(crc.getValue());
        d.flush();
        buf.writeTo(out);
        out.flush();
    }

    /**
     * Reads a checkpoint written by {@link #write}.
     *
     * @throws IOException if the stream is not a checkpoint of this version, is truncated or its
     *                     checksum does not match
     */
    public static TrainingCheckpoint read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        if (all.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IOException("not a mine-spark checkpoint (no MINECKPT header)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = 0;
        for (int i = all.length - 8; i < all.length; i++) {
            stored = (stored << 8) | (all[i] & 0xff);
        }
        if (stored != crc.getValue()) {
            throw new IOException("checkpoint checksum mismatch (truncated or damaged file)");
        }
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, all.length - 8 - MAGIC.length));
        int version = d.readInt();
        if (version != VERSION && version != 1) {
            throw new IOException("checkpoint format version " + version + ", this build reads versions 1 and " + VERSION);
        }
        int nf = d.readInt();
        Map<String, String> fp = new LinkedHashMap<>();
        for (int i = 0; i < nf; i++) {
            fp.put(d.readUTF(), d.readUTF());
        }
        int attempt = d.readInt();
        double lr = Double.longBitsToDouble(d.readLong());
        String firstDivergence = d.readBoolean() ? d.readUTF() : null;
        int step = d.readInt();
        boolean finished = d.readBoolean();
        float[][] params = readTensors(d);
        float[][] m = readTensors(d);
        float[][] v = readTensors(d);
        int adamT = d.readInt();
        double[] boundState = readDoubles(d);
        byte[] mon = new byte[d.readInt()];
        d.readFully(mon);
        float[][] kept = d.readBoolean() ? readTensors(d) : null;
        int keptStep = d.readInt();
        double[] curve = readDoubles(d);
        double seconds = Double.longBitsToDouble(d.readLong());
        int batch = 0;
        int[] growth = new int[0];
        if (version >= 2) {
            // version 1 predates adaptive batch growth: read as "no growth yet" (batch 0 = the run's batch)
            batch = d.readInt();
            int ng = d.readInt();
            if (ng < 0 || ng > 64) {
                throw new IOException("checkpoint: bad batch growth count " + ng);
            }
            growth = new int[ng];
            for (int i = 0; i < ng; i++) {
                growth[i] = d.readInt();
            }
        }
        return new TrainingCheckpoint(fp, attempt, lr, firstDivergence, step, finished, params, m, v, adamT,
                boundState, mon, kept, keptStep, curve, seconds, batch, growth);
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

    private static int size(float[][] t) {
        int n = 0;
        for (float[] a : t) {
            n += a.length;
        }
        return n;
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

    private static void writeTensors(DataOutputStream d, float[][] t) throws IOException {
        d.writeInt(t.length);
        for (float[] a : t) {
            d.writeInt(a.length);
            for (float f : a) {
                d.writeInt(Float.floatToRawIntBits(f));
            }
        }
    }

    private static float[][] readTensors(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > 1 << 16) {
            throw new IOException("corrupt checkpoint: " + n + " tensors");
        }
        float[][] t = new float[n][];
        for (int i = 0; i < n; i++) {
            int len = d.readInt();
            if (len < 0) {
                throw new IOException("corrupt checkpoint: tensor of " + len + " values");
            }
            t[i] = new float[len];
            for (int j = 0; j < len; j++) {
                t[i][j] = Float.intBitsToFloat(d.readInt());
            }
        }
        return t;
    }

    private static void writeDoubles(DataOutputStream d, double[] a) throws IOException {
        d.writeInt(a.length);
        for (double x : a) {
            d.writeLong(Double.doubleToRawLongBits(x));
        }
    }

    private static double[] readDoubles(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0) {
            throw new IOException("corrupt checkpoint: " + n + " values");
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Double.longBitsToDouble(d.readLong());
        }
        return a;
    }
}
