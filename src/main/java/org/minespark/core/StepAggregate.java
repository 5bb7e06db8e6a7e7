package org.minespark.core;

import java.io.Serializable;

/**
 * The mergeable per-step aggregate of synchronous data-parallel MINE training. For the joint pairs
 * it holds the count, sum of T and sum of the gradient of T; for the marginal pairs the count, the
 * running max {@code m} of T and the shifted sums {@code S = sum exp(T - m)} and
 * {@code G = sum exp(T - m) grad T}. Merging rescales the shifted sums to the larger max
 * (log-sum-exp with a running max), so merging partitions in any order and grouping equals one pass
 * over the union up to rounding. An empty aggregate is the identity of {@link #merge}.
 *
 * <p>It serves every {@link Bound}: the linear part (joint count, {@code sum T}, a linear sum of
 * row terms {@link #sumRowTerms()} and the gradient of the linear part) plus the log-sum-exp part
 * over marginal pairs. DV, SMILE and NWJ use the joint sums and the log-sum-exp part (NWJ's
 * {@code sum e^{T-1}} is {@code e^{m-1} S}); InfoNCE uses only the linear part (its per-row
 * log-mean-exp terms are computed within a partition's group and summed).
 *
 * <p>Gradients are flattened in tensor order (W1, b1, W2, b2, ...). Not thread-safe.
 */
public final class StepAggregate implements Serializable {
    private static final long serialVersionUID = 1L;

    long nJoint;
    double sumTJoint;
    transient double[] gradJoint;
    double sumRowTerms;
    long nMarg;
    double maxMarg = Double.NEGATIVE_INFINITY;
    double sumExpMarg;
    transient double[] gradMarg;
    long computeNanos;

    /**
     * The gradient sums travel as float32 (the workers compute them in float32 anyway): half the
     * bytes of a task result, which keeps a W-sized critic's result (2 x 77k values) under Spark's
     * 1 MiB direct-result limit and avoids a block-manager round trip per step.
     */
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        out.defaultWriteObject();
        out.writeInt(gradJoint.length);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 * gradJoint.length);
        for (double v : gradJoint) {
            buf.putFloat((float) v);
        }
        for (double v : gradMarg) {
            buf.putFloat((float) v);
        }
        out.write(buf.array());
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        int n = in.readInt();
        byte[] bytes = new byte[8 * n];
        in.readFully(bytes);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
        gradJoint = new double[n];
        gradMarg = new double[n];
        for (int i = 0; i < n; i++) {
            gradJoint[i] = buf.getFloat();
        }
        for (int i = 0; i < n; i++) {
            gradMarg[i] = buf.getFloat();
        }
    }

    /** Bytes of {@link #writeWire}'s output for an aggregate of {@code numParams} parameters. */
    public static int wireBytes(int numParams) {
        return 7 * 8 + 2 * 4 * numParams;
    }

    /**
     * Writes the aggregate in the same form as its Java serialisation carries it (counts, sums,
     * max and compute time exact; both gradient sums rounded to float32), so a receiver of
     * {@link #readWire} holds exactly what a deserialised task result would hold. Writes
     * {@link #wireBytes} bytes at the buffer's position; allocates nothing.
     */
    public void writeWire(java.nio.ByteBuffer buf) {
        buf.putLong(nJoint).putDouble(sumTJoint).putDouble(sumRowTerms).putLong(nMarg).putDouble(maxMarg).putDouble(sumExpMarg)
                .putLong(computeNanos);
        for (double v : gradJoint) {
            buf.putFloat((float) v);
        }
        for (double v : gradMarg) {
            buf.putFloat((float) v);
        }
    }

    /** Replaces this aggregate's content with one written by {@link #writeWire} (same parameter count). */
    public void readWire(java.nio.ByteBuffer buf) {
        nJoint = buf.getLong();
        sumTJoint = buf.getDouble();
        sumRowTerms = buf.getDouble();
        nMarg = buf.getLong();
        maxMarg = buf.getDouble();
        sumExpMarg = buf.getDouble();
        computeNanos = buf.getLong();
        for (int i = 0; i < gradJoint.length; i++) {
            gradJoint[i] = buf.getFloat();
        }
        for (int i = 0; i < gradMarg.length; i++) {
            gradMarg[i] = buf.getFloat();
        }
    }

    /** Resets to the empty aggregate (the identity of {@link #merge}), keeping the arrays. */
    public void clear() {
        nJoint = 0;
        sumTJoint = 0;
        sumRowTerms = 0;
        nMarg = 0;
        maxMarg = Double.NEGATIVE_INFINITY;
        sumExpMarg = 0;
        computeNanos = 0;
        java.util.Arrays.fill(gradJoint, 0.0);
        java.util.Arrays.fill(gradMarg, 0.0);
    }

    public StepAggregate(int numParams) {
        gradJoint = new double[numParams];
        gradMarg = new double[numParams];
    }

    public long nJoint() {
        return nJoint;
    }

    public long nMarg() {
        return nMarg;
    }

    public double sumTJoint() {
        return sumTJoint;
    }

    public double maxMarg() {
        return maxMarg;
    }

    public double sumExpMarg() {
        return sumExpMarg;
    }

    /** Sum over joint pairs of grad T (flattened). Live view: do not modify. */
    public double[] gradJoint() {
        return gradJoint;
    }

    /** Sum over marginal pairs of exp(T - maxMarg) grad T (flattened). Live view: do not modify. */
    public double[] gradMarg() {
        return gradMarg;
    }

    /**
     * Linear sum of per-row terms subtracted from the joint scores (InfoNCE:
     * {@code sum_i ln mean_j e^{S_ij}}); 0 for the pairwise bounds.
     */
    public double sumRowTerms() {
        return sumRowTerms;
    }

    /** Adds to {@link #sumRowTerms()}. */
    public void addRowTerms(double sum) {
        sumRowTerms += sum;
    }

    /** Adds one partition's joint contribution: count, sum T, and the summed gradient tensors. */
    public void addJoint(long n, double sumT, float[][] grad) {
        nJoint += n;
        sumTJoint += sumT;
        addFlat(gradJoint, grad, 1.0);
    }

    /**
     * Adds one partition's marginal contribution computed with its own shift {@code m}:
     * {@code sumExp = sum exp(T - m)} and {@code grad = sum exp(T - m) grad T}.
     */
    public void addMarginal(long n, double m, double sumExp, float[][] grad) {
        if (n == 0) {
            return;
        }
        double scaleSelf = 1.0;
        double scaleOther = 1.0;
        if (m > maxMarg) {
            scaleSelf = (nMarg == 0) ? 0.0 : Math.exp(maxMarg - m);
            maxMarg = m;
        } else {
            scaleOther = Math.exp(m - maxMarg);
        }
        if (scaleSelf != 1.0) {
            sumExpMarg *= scaleSelf;
            for (int i = 0; i < gradMarg.length; i++) {
                gradMarg[i] *= scaleSelf;
            }
        }
        nMarg += n;
        sumExpMarg += sumExp * scaleOther;
        addFlat(gradMarg, grad, scaleOther);
    }

    private static void addFlat(double[] dst, float[][] src, double scale) {
        int o = 0;
        for (float[] t : src) {
            for (float v : t) {
                dst[o++] += scale * v;
            }
        }
        if (o != dst.length) {
            throw new IllegalArgumentException("gradient has " + o + " values, aggregate expects " + dst.length);
        }
    }

    /**
     * Longest compute time of one partition's share of the step (partitions run in parallel, so
     * the merge keeps the max); the step's wall time minus this is the distribution overhead.
     */
    public long computeNanos() {
        return computeNanos;
    }

    public void recordComputeNanos(long nanos) {
        computeNanos = Math.max(computeNanos, nanos);
    }

    /** Merges {@code other} into this (associative, commutative); returns this. */
    public StepAggregate merge(StepAggregate other) {
        computeNanos = Math.max(computeNanos, other.computeNanos);
        if (other.gradJoint.length != gradJoint.length) {
            throw new IllegalArgumentException("cannot merge aggregates of " + other.gradJoint.length
                    + " and " + gradJoint.length + " parameters");
        }
        nJoint += other.nJoint;
        sumTJoint += other.sumTJoint;
        sumRowTerms += other.sumRowTerms;
        for (int i = 0; i < gradJoint.length; i++) {
            gradJoint[i] += other.gradJoint[i];
        }
        if (other.nMarg > 0) {
            double scaleSelf = 1.0;
            double scaleOther = 1.0;
            if (other.maxMarg > maxMarg) {
                scaleSelf = (nMarg == 0) ? 0.0 : Math.exp(maxMarg - other.maxMarg);
                maxMarg = other.maxMarg;
            } else {
                scaleOther = Math.exp(other.maxMarg - maxMarg);
            }
            sumExpMarg = sumExpMarg * scaleSelf + other.sumExpMarg * scaleOther;
            for (int i = 0; i < gradMarg.length; i++) {
                gradMarg[i] = gradMarg[i] * scaleSelf + other.gradMarg[i] * scaleOther;
            }
            nMarg += other.nMarg;
        }
        return this;
    }

    /** log of the mean of exp(T) over marginal pairs: {@code m + ln(S / n)}. */
    public double logMeanExpMarg() {
        if (nMarg == 0) {
            throw new IllegalStateException("no marginal pairs in the aggregate");
        }
        return maxMarg + Math.log(sumExpMarg / nMarg);
    }

    /** The minibatch Donsker-Varadhan value {@code mean T(joint) - ln mean exp T(marginal)}. */
    public double dvEstimate() {
        if (nJoint == 0) {
            throw new IllegalStateException("no joint pairs in the aggregate");
        }
        return sumTJoint / nJoint - logMeanExpMarg();
    }
}
