package org.minespark.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@code vector} GEMM micro-kernel of shape {@link MicroShape#S6X4}: a 6-row x 4-vector
 * block of C (24 accumulators, 29 vector registers with the B step and the broadcast),
 * hand-unrolled because C2 keeps a block in registers only when each accumulator is its own local
 * (see {@link VectorGemm} for the calling contract). Per k step: 4 vector loads of the packed B
 * sliver ({@code bp} from {@code bOff}, 4 vectors per step), 6 broadcasts of A, 24 FMAs;
 * {@code C += A'B'} when {@code load}, else {@code C = A'B'}, for the block of {@code c} at
 * {@code cOff} (row stride {@code ldc}).
 */
final class MicroKernel6x4 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private MicroKernel6x4() {
    }

    /**
     * The block from A read by steps ({@code A'(r, p)} at {@code a[aOff + p * stride + r]}: A stored
     * transposed, or packed step-major) or by rows ({@code a[aOff + r * stride + p]}: row-major A).
     */
    static void run(boolean steps, int kc, float[] a, int aOff, int stride, float[] bp, int bOff, boolean load,
                    float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
        FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z;
        FloatVector c50 = z, c51 = z, c52 = z, c53 = z;
        if (load) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + L);
            c02 = FloatVector.fromArray(S, c, cOff + 2 * L);
            c03 = FloatVector.fromArray(S, c, cOff + 3 * L);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c11 = FloatVector.fromArray(S, c, cOff + ldc + L);
            c12 = FloatVector.fromArray(S, c, cOff + ldc + 2 * L);
            c13 = FloatVector.fromArray(S, c, cOff + ldc + 3 * L);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
            c22 = FloatVector.fromArray(S, c, cOff + 2 * ldc + 2 * L);
            c23 = FloatVector.fromArray(S, c, cOff + 2 * ldc + 3 * L);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
            c32 = FloatVector.fromArray(S, c, cOff + 3 * ldc + 2 * L);
            c33 = FloatVector.fromArray(S, c, cOff + 3 * ldc + 3 * L);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + L);
            c42 = FloatVector.fromArray(S, c, cOff + 4 * ldc + 2 * L);
            c43 = FloatVector.fromArray(S, c, cOff + 4 * ldc + 3 * L);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + L);
            c52 = FloatVector.fromArray(S, c, cOff + 5 * ldc + 2 * L);
            c53 = FloatVector.fromArray(S, c, cOff + 5 * ldc + 3 * L);
        }
        if (steps) {
            for (int p = 0; p < kc; p++) {
                int bo = bOff + p * 4 * L;
                int ao = aOff + p * stride;
                FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
                FloatVector x = FloatVector.broadcast(S, a[ao]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                c02 = b2.fma(x, c02);
                c03 = b3.fma(x, c03);
                x = FloatVector.broadcast(S, a[ao + 1]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                c12 = b2.fma(x, c12);
                c13 = b3.fma(x, c13);
                x = FloatVector.broadcast(S, a[ao + 2]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                c22 = b2.fma(x, c22);
                c23 = b3.fma(x, c23);
                x = FloatVector.broadcast(S, a[ao + 3]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
                c32 = b2.fma(x, c32);
                c33 = b3.fma(x, c33);
                x = FloatVector.broadcast(S, a[ao + 4]);
                c40 = b0.fma(x, c40);
                c41 = b1.fma(x, c41);
                c42 = b2.fma(x, c42);
                c43 = b3.fma(x, c43);
                x = FloatVector.broadcast(S, a[ao + 5]);
                c50 = b0.fma(x, c50);
                c51 = b1.fma(x, c51);
                c52 = b2.fma(x, c52);
                c53 = b3.fma(x, c53);
            }
        } else {
            // unit step: C2 hoists the bounds checks of a (see VectorGemm)
            for (int p = 0; p < kc; p++) {
                int bo = bOff + p * 4 * L;
                int ao = aOff + p;
                FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, bp, bo + 3 * L);
                FloatVector x = FloatVector.broadcast(S, a[ao]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                c02 = b2.fma(x, c02);
                c03 = b3.fma(x, c03);
                x = FloatVector.broadcast(S, a[ao + stride]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                c12 = b2.fma(x, c12);
                c13 = b3.fma(x, c13);
                x = FloatVector.broadcast(S, a[ao + 2 * stride]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                c22 = b2.fma(x, c22);
                c23 = b3.fma(x, c23);
                x = FloatVector.broadcast(S, a[ao + 3 * stride]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
                c32 = b2.fma(x, c32);
                c33 = b3.fma(x, c33);
                x = FloatVector.broadcast(S, a[ao + 4 * stride]);
                c40 = b0.fma(x, c40);
                c41 = b1.fma(x, c41);
                c42 = b2.fma(x, c42);
                c43 = b3.fma(x, c43);
                x = FloatVector.broadcast(S, a[ao + 5 * stride]);
                c50 = b0.fma(x, c50);
                c51 = b1.fma(x, c51);
                c52 = b2.fma(x, c52);
                c53 = b3.fma(x, c53);
            }
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c02.intoArray(c, cOff + 2 * L);
        c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c12.intoArray(c, cOff + ldc + 2 * L);
        c13.intoArray(c, cOff + ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c22.intoArray(c, cOff + 2 * ldc + 2 * L);
        c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c32.intoArray(c, cOff + 3 * ldc + 2 * L);
        c33.intoArray(c, cOff + 3 * ldc + 3 * L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c42.intoArray(c, cOff + 4 * ldc + 2 * L);
        c43.intoArray(c, cOff + 4 * ldc + 3 * L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c52.intoArray(c, cOff + 5 * ldc + 2 * L);
        c53.intoArray(c, cOff + 5 * ldc + 3 * L);
    }
}
