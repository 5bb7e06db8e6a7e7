package org.minespark.core;

import java.io.Serializable;

/**
 * Mergeable per-dimension mean and variance (Welford's update, Chan et al.'s pairwise merge) plus
 * row counts: rows seen, and rows dropped because a selected value was null, NaN or infinite.
 * A NaN in an added row marks that dimension missing in that row (a {@code pairs} run keeps such
 * rows for the pairs of the other columns): each dimension's mean and variance are over the rows
 * where it is present, with its own count; rows without NaN update every dimension with the same
 * arithmetic as a single count. Not thread-safe.
 */
public final class ColumnStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private long rows;
    private long dropped;
    private long n;
    private final double[] mean;
    private final double[] m2;
    private final long[] present; // per dimension: rows where it is not NaN

    public ColumnStats(int dims) {
        mean = new double[dims];
        m2 = new double[dims];
        present = new long[dims];
    }

    public int dims() {
        return mean.length;
    }

    /** Counts a row that was dropped. */
    public void addDropped() {
        rows++;
        dropped++;
    }

    /** Adds a valid row of {@code dims()} values, finite or NaN (a dimension missing in this row). */
    public void add(double[] v) {
        rows++;
        n++;
        for (int i = 0; i < mean.length; i++) {
            if (Double.isNaN(v[i])) {
                continue;
            }
            long k = ++present[i];
            double d = v[i] - mean[i];
            mean[i] += d / k;
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
        for (int i = 0; i < mean.length; i++) {
            long a = present[i];
            long b = o.present[i];
            if (b == 0) {
                continue;
            }
            long total = a + b;
            double d = o.mean[i] - mean[i];
            mean[i] += d * b / total;
            m2[i] += o.m2[i] + d * d * a * b / total;
            present[i] = total;
        }
        n += o.n;
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

    /** Rows where dimension i is present (not NaN); {@link #valid()} when no row misses it. */
    public long present(int i) {
        return present[i];
    }

    /** Population standard deviation of dimension i (over the rows where it is present). */
    public double std(int i) {
        return present[i] == 0 ? 0.0 : Math.sqrt(m2[i] / present[i]);
    }
}
