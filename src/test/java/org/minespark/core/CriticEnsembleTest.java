package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class CriticEnsembleTest {

    @Test
    void wideCritic_isTheMeanOfItsMembers() {
        CriticShape s = new CriticShape(2, 3, new int[] {8, 5});
        int r = 3;
        float[][][] members = new float[r][][];
        for (int m = 0; m < r; m++) {
            members[m] = s.init(100 + m);
        }
        CriticShape wide = CriticEnsemble.shape(s, r);
        assertEquals(3, wide.members());
        assertEquals(3 * s.tensors(), wide.tensors());
        assertEquals(3 * s.numParams(), wide.numParams());
        float[][] wp = CriticEnsemble.params(s, members);
        int rows = 50;
        SplittableRandom rnd = new SplittableRandom(7);
        float[] in = new float[rows * 5];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) rnd.nextGaussian();
        }
        Kernels k = Kernels.forName("scalar");
        double[] mean = new double[rows];
        for (int m = 0; m < r; m++) {
            Critic c = new Critic(s, k, rows);
            System.arraycopy(in, 0, c.input(), 0, in.length);
            float[] t = c.forward(members[m], rows);
            for (int i = 0; i < rows; i++) {
                mean[i] += t[i];
            }
        }
        Critic w = new Critic(wide, k, rows);
        System.arraycopy(in, 0, w.input(), 0, in.length);
        float[] t = w.forward(wp, rows);
        for (int i = 0; i < rows; i++) {
            // the members' own float forwards, summed in double in the same order: exact to float rounding
            assertEquals((float) (mean[i] / r), t[i], 0.0f, "row " + i);
        }
    }

    @Test
    void oneMember_isThatCritic() {
        CriticShape s = new CriticShape(1, 1, new int[] {4});
        float[][] p = s.init(3);
        float[][] wp = CriticEnsemble.params(s, new float[][][] {p});
        for (int t = 0; t < p.length; t++) {
            assertArrayEquals(p[t], wp[t], "tensor " + t);
        }
    }

    @Test
    void ensemble_isNotTrained() {
        CriticShape s = new CriticShape(1, 1, new int[] {4});
        Critic c = new Critic(CriticEnsemble.shape(s, 2), Kernels.forName("scalar"), 8);
        float[][] p = CriticEnsemble.params(s, new float[][][] {s.init(1), s.init(2)});
        c.forward(p, 8);
        assertThrows(UnsupportedOperationException.class, () -> c.backward(p, new float[8], 8, s.ensembleOf(2).zeros()));
    }

    @Test
    void separableCritic_rejected() {
        CriticShape s = CriticShape.separable(2, 2, new int[] {4}, 3);
        assertThrows(IllegalArgumentException.class, () -> CriticEnsemble.shape(s, 2));
    }
}
