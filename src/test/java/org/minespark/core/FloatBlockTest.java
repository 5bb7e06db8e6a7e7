package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link FloatBlock#withPermutedY}: a fixed-point-free re-pairing of the y rows. */
class FloatBlockTest {

    /** Rows whose y row encodes its own index (y = [i, 1000 + i]) so the permutation can be read back. */
    private static FloatBlock indexed(int n) {
        float[] x = new float[n];
        float[] y = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[2 * i] = i;
            y[2 * i + 1] = 1000 + i;
        }
        return new FloatBlock(n, 1, 2, x, y);
    }

    @Test
    void withPermutedY_everyRowGetsAnotherRowsWholeY() {
        for (int n : new int[] {2, 3, 17, 500}) {
            FloatBlock b = indexed(n);
            FloatBlock p = b.withPermutedY(42 + n);
            assertSame(b.x(), p.x(), "x is shared");
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                int src = (int) p.y()[2 * i];
                assertEquals(1000 + src, p.y()[2 * i + 1], 0f, "a whole y row moves");
                assertNotEquals(i, src, "row " + i + " of " + n + " kept its own y");
                seen[src] = true;
            }
            boolean[] all = new boolean[n];
            Arrays.fill(all, true);
            assertArrayEquals(all, seen, "every y row is used once");
        }
    }

    @Test
    void withPermutedY_sameSeedSameResult_otherSeedOther() {
        FloatBlock b = indexed(100);
        assertArrayEquals(b.withPermutedY(7).y(), b.withPermutedY(7).y(), 0f);
        assertNotEquals(Arrays.toString(b.withPermutedY(7).y()), Arrays.toString(b.withPermutedY(8).y()));
    }

    @Test
    void withPermutedY_oneRow_unchanged() {
        FloatBlock b = indexed(1);
        assertSame(b, b.withPermutedY(1));
    }
}
