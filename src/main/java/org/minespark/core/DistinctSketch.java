package org.minespark.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An estimate of the number of distinct values of a column, by the k minimum values (KMV) of a
 * 64-bit hash (Bar-Yossef et al. 2002; Beyer et al. 2007): the values' hashes, taken as uniform
 * on [0, 1), are kept only while they are among the {@code k} smallest seen. With fewer than
 * {@code k} distinct hashes the count is exact; otherwise the estimate is {@code (k - 1) / U}, where
 * {@code U} is the {@code k}-th smallest hash, unbiased with a relative standard error of about
 * {@code 1 / sqrt(k - 2)} (2.2 % at the default k = 2048).
 *
 * <p>Why not Spark's {@code approx_count_distinct}: its HyperLogLog++ aggregation buffer has one
 * field per 10 registers (410 at 2 %), and Spark generates the buffer's projection code in every
 * task; at 64 columns per query that code generation took about 90 s per query (a thread dump
 * showed the tasks inside {@code GenerateUnsafeProjection}), so 1000 columns would have taken
 * about 25 min (16 such queries) before reading a row. A sketch is a plain sorted {@code long[]} of at most {@code k} hashes.
 *
 * <p>{@link #merge} is exact: the sketch of a union is the k smallest of both sketches' hashes, so
 * partitions can be sketched apart and merged in any order. Not thread-safe.
 */
public final class DistinctSketch implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Hashes kept by default: relative standard error about 2.2 %. */
    public static final int DEFAULT_K = 2048;

    private final int k;
    /** The kept hashes (non-negative: 63 bits), sorted ascending, in {@code [0, size)}. */
    private long[] kept;
    private int size;

    public DistinctSketch(int k) {
        if (k < 3) {
            throw new IllegalArgumentException("k must be >= 3, got " + k);
        }
        this.k = k;
        this.kept = new long[Math.min(k, 16)];
    }

    /** Adds a value of a string column. */
    public void addString(String s) {
        addHash(Seeds.mix(s.hashCode() * 0x9E3779B97F4A7C15L + s.length()));
    }

    /** Adds a value of an integer column. */
    public void addLong(long v) {
        addHash(Seeds.mix(v));
    }

    /** Adds a value of a floating-point column ({@code -0.0} and {@code 0.0} are one value, as are all NaNs). */
    public void addDouble(double v) {
        addHash(Seeds.mix(Double.doubleToLongBits(v == 0.0 ? 0.0 : v) ^ 0x5DEECE66DL));
    }

    private void addHash(long h64) {
        long h = h64 >>> 1;
        if (size == k && h >= kept[size - 1]) {
            return; // not among the k smallest: the common case once the sketch is full
        }
        int at = Arrays.binarySearch(kept, 0, size, h);
        if (at >= 0) {
            return; // seen
        }
        insert(-at - 1, h);
    }

    private void insert(int pos, long h) {
        if (size == k) {
            size--; // the largest kept hash leaves
        } else if (size == kept.length) {
            kept = Arrays.copyOf(kept, Math.min(k, 2 * kept.length));
        }
        System.arraycopy(kept, pos, kept, pos + 1, size - pos);
        kept[pos] = h;
        size++;
    }

    /** This sketch with {@code other}'s values added (the sketch of the union); returns this. */
    public DistinctSketch merge(DistinctSketch other) {
        if (other.k != k) {
            throw new IllegalArgumentException("cannot merge sketches of k = " + k + " and " + other.k);
        }
        long[] out = new long[Math.min(k, size + other.size)];
        int i = 0;
        int j = 0;
        int n = 0;
        while (n < out.length && (i < size || j < other.size)) {
            long v;
            if (j >= other.size || (i < size && kept[i] < other.kept[j])) {
                v = kept[i++];
            } else if (i >= size || other.kept[j] < kept[i]) {
                v = other.kept[j++];
            } else {
                v = kept[i++];
                j++;
            }
            out[n++] = v;
        }
        kept = out.length >= 16 ? out : Arrays.copyOf(out, 16);
        size = n;
        return this;
    }

    /** The estimated number of distinct values (exact below {@code k}). */
    public long estimate() {
        if (size < k) {
            return size;
        }
        double u = kept[k - 1] / 0x1p63; // the k-th smallest hash on [0, 1)
        return Math.round((k - 1) / u);
    }
}
