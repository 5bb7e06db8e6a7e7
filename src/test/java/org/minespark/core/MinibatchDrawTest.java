package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The training minibatch's marginal pairing ({@link PartitionWorker#drawMinibatch}). */
class MinibatchDrawTest {

    @Test
    void marginalPairing_isAPermutationWithoutFixedPoints_forEveryBatchFromTwo() {
        for (int batch = 2; batch <= 40; batch++) {
            for (long seed = 0; seed < 200; seed++) {
                int[] idx = new int[batch];
                int[] perm = new int[batch];
                PartitionWorker.drawMinibatch(seed * 7919 + batch, 1000, batch, idx, perm);
                boolean[] seen = new boolean[batch];
                for (int r = 0; r < batch; r++) {
                    assertNotEquals(r, perm[r], "batch " + batch + " seed " + seed + ": row " + r + " paired with itself");
                    assertTrue(perm[r] >= 0 && perm[r] < batch);
                    assertTrue(!seen[perm[r]], "perm is not a permutation");
                    seen[perm[r]] = true;
                    assertTrue(idx[r] >= 0 && idx[r] < 1000);
                }
            }
        }
    }

    @Test
    void marginalPartner_isUniformOverTheOtherRows() {
        // batch 5: row 0's partner must be uniform over {1, 2, 3, 4}. 40 000 seeded draws give
        // 10 000 expected per partner, binomial sd sqrt(40000 * 0.25 * 0.75) = 87; a Fisher-Yates
        // permutation would put 8 000 on partner 0 and the cycle-only bug (always r + 1) 40 000 on
        // partner 1. The tolerance of 600 (about 7 sd) cannot be missed by chance with a fixed seed
        // stream and still rejects both.
        int batch = 5;
        int draws = 40_000;
        int[] count = new int[batch];
        int[] idx = new int[batch];
        int[] perm = new int[batch];
        for (int s = 0; s < draws; s++) {
            PartitionWorker.drawMinibatch(Seeds.derive(17L, 3, s, 0), 100, batch, idx, perm);
            count[perm[0]]++;
        }
        assertEquals(0, count[0]);
        for (int j = 1; j < batch; j++) {
            assertEquals(draws / 4.0, count[j], 600, "partner " + j + " of row 0: " + java.util.Arrays.toString(count));
        }
    }

    @Test
    void sameStream_sameMinibatch_andABatchOfOneKeepsItsOnlyRow() {
        int[] idx1 = new int[9];
        int[] perm1 = new int[9];
        int[] idx2 = new int[9];
        int[] perm2 = new int[9];
        PartitionWorker.drawMinibatch(42L, 50, 9, idx1, perm1);
        PartitionWorker.drawMinibatch(42L, 50, 9, idx2, perm2);
        assertArrayEquals(idx1, idx2);
        assertArrayEquals(perm1, perm2);
        int[] one = new int[1];
        int[] p1 = new int[1];
        PartitionWorker.drawMinibatch(42L, 50, 1, one, p1);
        assertEquals(0, p1[0]);
    }
}
