package org.minespark.core;

import java.io.Serializable;

/**
 * A partition's rows as dense row-major float arrays: {@code x} is {@code n x dx}, {@code y} is
 * {@code n x dy}. Memory is {@code 4 (dx + dy)} bytes per row plus two array headers.
 */
public final class FloatBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int n;
    private final int dx;
    private final int dy;
    private final float[] x;
    private final float[] y;

    public FloatBlock(int n, int dx, int dy, float[] x, float[] y) {
        if (x.length < (long) n * dx || y.length < (long) n * dy) {
            throw new IllegalArgumentException("block arrays too short for " + n + " rows");
        }
        this.n = n;
        this.dx = dx;
        this.dy = dy;
        this.x = x;
        this.y = y;
    }

    public int rows() {
        return n;
    }

    public int dx() {
        return dx;
    }

    public int dy() {
        return dy;
    }

    public float[] x() {
        return x;
    }

    public float[] y() {
        return y;
    }

    /** Bytes of row data held: {@code 4 n (dx + dy)}. */
    public long dataBytes() {
        return 4L * n * (dx + dy);
    }

    /**
     * A copy of a wide block ({@code dy == 0}) whose columns {@code cols} are re-paired with the
     * other columns by a uniformly random cyclic permutation of the rows (Sattolo's algorithm,
     * seeded by {@code seed}; see {@link #withPermutedY}): with i.i.d. rows, the permuted columns
     * are independent of the others. Blocks with fewer than 2 rows are returned as they are.
     */
    public FloatBlock withPermutedColumns(int[] cols, long seed) {
        if (n < 2) {
            return this;
        }
        int[] pi = cycle(n, seed);
        float[] px = x.clone();
        for (int i = 0; i < n; i++) {
            for (int c : cols) {
                px[i * dx + c] = x[pi[i] * dx + c];
            }
        }
        return new FloatBlock(n, dx, dy, px, y);
    }

    /** A uniformly random n-cycle (Sattolo), no fixed point. */
    private static int[] cycle(int n, long seed) {
        int[] pi = new int[n];
        for (int i = 0; i < n; i++) {
            pi[i] = i;
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i); // j < i: Sattolo, one n-cycle, no fixed point
            int t = pi[i];
            pi[i] = pi[j];
            pi[j] = t;
        }
        return pi;
    }

    /**
     * A copy whose y rows are re-paired with the x rows by a uniformly random cyclic permutation
     * (Sattolo's algorithm, seeded by {@code seed}): row i gets the y of row {@code pi(i) != i}, so no
     * row keeps its own y and every (x, y) pair of the copy comes from two different rows: with
     * i.i.d. rows each pair is distributed as {@code p(x) p(y)}. The x array is shared (not copied);
     * blocks with fewer than 2 rows are returned as they are.
     */
    public FloatBlock withPermutedY(long seed) {
        if (n < 2) {
            return this;
        }
        int[] pi = cycle(n, seed);
        float[] py = new float[n * dy];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, pi[i] * dy, py, i * dy, dy);
        }
        return new FloatBlock(n, dx, dy, x, py);
    }
}
