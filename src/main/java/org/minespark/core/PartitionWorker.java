package org.minespark.core;

import java.util.SplittableRandom;

/**
 * The per-partition share of a MINE step and of the held-out evaluation, with every buffer
 * allocated once (critic activations, gradient tensors, index arrays) and reused. Not thread-safe:
 * one instance per task at a time; see {@link #acquire} and {@link #release}.
 */
public final class PartitionWorker {
    private final Critic critic;
    private final CriticShape shape;
    private final float[][] gradJoint;
    private final float[][] gradMarg;
    private final float[] ones;
    private final float[] weights;
    private final float[] tJoint;
    final int[] idx;
    final int[] perm;

    public PartitionWorker(CriticShape shape, Kernels kernels, int maxRows) {
        this.shape = shape;
        this.critic = new Critic(shape, kernels, maxRows);
        this.gradJoint = shape.zeros();
        this.gradMarg = shape.zeros();
        this.ones = new float[maxRows];
        java.util.Arrays.fill(ones, 1f);
        this.weights = new float[maxRows];
        this.tJoint = new float[maxRows];
        this.idx = new int[maxRows];
        this.perm = new int[maxRows];
    }

    /**
     * A worker for the shape, kernels and at least {@code maxRows} rows from a JVM-wide pool, so a
     * training step allocates no workspace whichever executor thread runs the task. Give it back
     * with {@link #release(PartitionWorker)} when the task is done with it.
     */
    public static PartitionWorker acquire(CriticShape shape, Kernels kernels, int maxRows) {
        for (java.util.Iterator<PartitionWorker> it = POOL.iterator(); it.hasNext(); ) {
            PartitionWorker w = it.next();
            if (w.shape.equals(shape) && w.critic.maxRows() >= maxRows && w.kernelsName.equals(kernels.name())
                    && POOL.remove(w)) {
                return w;
            }
        }
        PartitionWorker w = new PartitionWorker(shape, kernels, maxRows);
        w.kernelsName = kernels.name();
        return w;
    }

    /** Returns a worker to the pool (keeps at most a few idle workers per JVM). */
    public static void release(PartitionWorker w) {
        if (POOL.size() < MAX_POOLED) {
            POOL.add(w);
        }
    }

    private static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors() + 2;
    private static final java.util.concurrent.ConcurrentLinkedQueue<PartitionWorker> POOL =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private String kernelsName = "";

    /** Bytes of this worker's fixed workspace (critic buffers, two gradient copies, index arrays). */
    public long workspaceBytes() {
        return critic.workspaceBytes() + 2 * 4 * shape.numParams() + 4L * (ones.length + weights.length + tJoint.length)
                + 4L * (idx.length + perm.length);
    }

    public int maxRows() {
        return critic.maxRows();
    }

    /**
     * One partition's contribution to a training step: draws {@code batch} rows of the block
     * (uniformly, with replacement) as joint pairs, pairs the same x with a random permutation of
     * the drawn y as marginal pairs, and returns the mergeable aggregate of T and its gradients.
     */
    public StepAggregate trainStep(FloatBlock block, float[][] params, int batch, long streamSeed) {
        int numParams = (int) shape.numParams();
        StepAggregate agg = new StepAggregate(numParams);
        if (batch == 0) {
            return agg;
        }
        if (batch > critic.maxRows()) {
            throw new IllegalArgumentException("batch " + batch + " exceeds the workspace of " + critic.maxRows() + " rows");
        }
        if (block.rows() == 0) {
            throw new IllegalStateException("a training partition is empty but was asked for " + batch + " rows");
        }
        SplittableRandom rng = new SplittableRandom(streamSeed);
        int n = block.rows();
        for (int r = 0; r < batch; r++) {
            idx[r] = rng.nextInt(n);
            perm[r] = r;
        }
        for (int r = batch - 1; r > 0; r--) {
            int j = rng.nextInt(r + 1);
            int tmp = perm[r];
            perm[r] = perm[j];
            perm[j] = tmp;
        }
        return trainStepOn(block, params, batch, agg);
    }

    /**
     * The step for the minibatch already in {@code idx[0..batch)} (row indices into the block) and
     * {@code perm} (marginal pairing: x of row r with y of row perm[r]). Package-private for tests.
     */
    StepAggregate trainStepOn(FloatBlock block, float[][] params, int batch, StepAggregate agg) {
        zero(gradJoint);
        zero(gradMarg);

        // joint pairs (x_i, y_i)
        fillInput(block, batch, false);
        float[] t = critic.forward(params, batch);
        double sumT = 0;
        for (int r = 0; r < batch; r++) {
            sumT += t[r];
        }
        critic.backward(params, ones, batch, gradJoint);

        // marginal pairs (x_i, y_perm(i)), weights exp(T - max)
        fillInput(block, batch, true);
        t = critic.forward(params, batch);
        float max = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < batch; r++) {
            max = Math.max(max, t[r]);
        }
        double sumExp = 0;
        for (int r = 0; r < batch; r++) {
            float w = (float) Math.exp(t[r] - max);
            weights[r] = w;
            sumExp += w;
        }
        critic.backward(params, weights, batch, gradMarg);

        agg.addJoint(batch, sumT, gradJoint);
        agg.addMarginal(batch, max, sumExp, gradMarg);
        return agg;
    }

    private void fillInput(FloatBlock block, int batch, boolean marginal) {
        int dx = block.dx();
        int dy = block.dy();
        int in = dx + dy;
        float[] input = critic.input();
        float[] bx = block.x();
        float[] by = block.y();
        for (int r = 0; r < batch; r++) {
            int xi = idx[r];
            int yi = marginal ? idx[perm[r]] : xi;
            System.arraycopy(bx, xi * dx, input, r * in, dx);
            System.arraycopy(by, yi * dy, input, r * in + dx, dy);
        }
    }

    /**
     * Adds held-out pairs to {@code stats}: rows {@code 0..count)} of {@code x} ({@code count x dx})
     * and {@code y}; joint pairs are (x_i, y_i), marginal pairs (x_i, y_(i+s) mod count) for a random
     * shift s in [1, count), so no row is paired with itself. The rows must be in random order (the
     * caller spreads and sorts them by a random key). A chunk of one row contributes nothing.
     */
    public void evaluateChunk(float[][] params, float[] x, float[] y, int count, SplittableRandom rng, DvEvalStats stats) {
        if (count < 2) {
            return;
        }
        int dx = shape.dx();
        int dy = shape.dy();
        int in = dx + dy;
        int shift = 1 + rng.nextInt(count - 1);
        float[] input = critic.input();
        int cap = critic.maxRows();
        for (int start = 0; start < count; start += cap) {
            int rows = Math.min(cap, count - start);
            for (int r = 0; r < rows; r++) {
                int i = start + r;
                System.arraycopy(x, i * dx, input, r * in, dx);
                System.arraycopy(y, i * dy, input, r * in + dx, dy);
            }
            System.arraycopy(critic.forward(params, rows), 0, tJoint, 0, rows);
            for (int r = 0; r < rows; r++) {
                int i = start + r;
                int j = (i + shift) % count;
                System.arraycopy(y, j * dy, input, r * in + dx, dy);
            }
            float[] tm = critic.forward(params, rows);
            stats.add(tJoint, tm, rows);
        }
    }

    private static void zero(float[][] g) {
        for (float[] a : g) {
            java.util.Arrays.fill(a, 0f);
        }
    }
}
