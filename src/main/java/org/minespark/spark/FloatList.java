package org.minespark.spark;

import java.util.Arrays;

/** A growable float array (amortised doubling), for assembling a partition's block. */
final class FloatList {
    private float[] a;
    private int n;

    FloatList(int capacity) {
        a = new float[Math.max(16, capacity)];
    }

    void add(float[] src, int off, int len) {
        if (n + len > a.length) {
            long want = Math.max((long) a.length * 2, (long) n + len);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a training partition exceeds 2^31 floats; use more partitions");
            }
            a = Arrays.copyOf(a, (int) want);
        }
        System.arraycopy(src, off, a, n, len);
        n += len;
    }

    float[] toArray() {
        return n == a.length ? a : Arrays.copyOf(a, n);
    }
}
