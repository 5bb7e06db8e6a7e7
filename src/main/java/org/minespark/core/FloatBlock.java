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
}
