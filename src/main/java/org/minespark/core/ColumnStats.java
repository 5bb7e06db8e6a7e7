package org.minespark.core;

import java.io.Serializable;

/**
 * Mergeable per-dimension mean and variance (Welford's update, Chan et al.'s pairwise merge) plus
 * row counts: rows seen, and rows dropped because a selected value was null, NaN or infinite.
 * Not thread-safe.
 */
public final class ColumnStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long rows;
    private long dropped;
    private long n;
    private final double[] mean;
    private final double[] m2;

    public ColumnStats(int dims) {
        mean = new double[dims];
        m2 = new double[dims];
    }

    public int dims() {
        return mean.length;
    }

    /** Counts a row that was dropped. */
    public void addDropped() {
        rows++;
        dropped++;
    }

    /** Adds a valid row of {@code dims()} finite values. */
    public void add(double[] v) {
        rows++;
        n++;
        for (int i = 0; i < mean.length; i++) {
            double d = v[i] - mean[i];
            mean[i] += d / n;
            m2[i] += d * (v[i] - mean[i]);
        }
    }

    public ColumnStats merge(ColumnStats o) {
        if (o.mean.length != mean.length) {
            throw new IllegalArgumentException("dimension mismatch: " + o.mean.length + " vs " + mean.length);
        }
        rows += o.rows;
        dropped += o.dropped;
        if (o.n == 0) {
            return this;
        }
        long total = n + o.n;
        for (int i = 0; i < mean.length; i++) {
            double d = o.mean[i] - mean[i];
            mean[i] += d * o.n / total;
            m2[i] += o.m2[i] + d * d * n * o.n / total;
        }
        n = total;
        return this;
    }

    /** Rows seen, valid or not. */
    public long rows() {
        return rows;
    }

    public long dropped() {
        return dropped;
    }

    /** Valid rows. */
    public long valid() {
        return n;
    }

    public double mean(int i) {
        return mean[i];
    }

    /** Population standard deviation of dimension i. */
    public double std(int i) {
        return n == 0 ? 0.0 : Math.sqrt(m2[i] / n);
    }
}
