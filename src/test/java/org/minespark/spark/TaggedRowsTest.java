package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The seeded split of rows into training, validation and test rows, and the bounded test sample. */
class TaggedRowsTest {
    private static final long SEED = 42;
    private static final int PARTITIONS = 4;
    private static final int ROWS_PER_PARTITION = 50_000;

    @Test
    void role_testSample_keepsTrainAndValidationRoles_andAboutItsShareOfTestRows() {
        TaggedRows.Split all = new TaggedRows.Split(0.2, 0.25, 0.5, 1.0);
        TaggedRows.Split sampled = new TaggedRows.Split(0.2, 0.25, 0.5, 0.1);
        long test = 0;
        long kept = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            for (long r = 0; r < ROWS_PER_PARTITION; r++) {
                byte full = TaggedRows.role(SEED, p, r, all);
                byte s = TaggedRows.role(SEED, p, r, sampled);
                if (full == TaggedRows.TEST_ROW) {
                    test++;
                    assertTrue(s == TaggedRows.TEST_ROW || s == TaggedRows.SKIP, "row " + p + "/" + r + ": " + s);
                    kept += s == TaggedRows.TEST_ROW ? 1 : 0;
                } else {
                    // a training row, a training row outside the training sample, or a validation row: unchanged
                    assertEquals(full, s, "row " + p + "/" + r);
                }
            }
        }
        // 200 000 rows x 0.2 held out x 0.75 not validation: about 30 000 test rows, binomial SD
        // sqrt(200 000 x 0.15 x 0.85) = 160
        assertEquals(30_000, test, 5 * 160);
        // the sample keeps each test row with probability 0.1 by its own stream: binomial with n = test rows,
        // SD sqrt(30 000 x 0.1 x 0.9) = 52; five SDs (260 rows) is a wide margin for this fixed seed
        assertEquals(0.1 * test, kept, 5 * Math.sqrt(test * 0.1 * 0.9));
    }

    @Test
    void role_fractionOne_drawsNothing_soEveryHeldOutNonValidationRowIsATestRow() {
        TaggedRows.Split noValidation = new TaggedRows.Split(0.2, 0.0, 1.0, 1.0);
        for (long r = 0; r < 10_000; r++) {
            byte role = TaggedRows.role(SEED, 0, r, noValidation);
            assertTrue(role == TaggedRows.TRAIN_ROW || role == TaggedRows.TEST_ROW, "row " + r + ": " + role);
        }
    }

    @Test
    void capFraction_oneUnderTheCap_fourSdsBelowItAbove_floorForTinyCaps() {
        assertEquals(1.0, Engine.capFraction(150_000, 200_000, 100_000), 0.0);
        assertEquals(1.0, Engine.capFraction(200_000, 200_000, 100_000), 0.0);
        // 3 M rows: 549 000 expected test rows, capped at 200 000 - 4 sqrt(200 000) = 198 211
        assertEquals((200_000 - 4 * Math.sqrt(200_000)) / 549_000, Engine.capFraction(549_000, 200_000, 100_000), 1e-15);
        // a cap of 10: the margin (12.6 rows) would leave none; the floor keeps half the cap
        assertEquals(5.0 / 1e6, Engine.capFraction(1e6, 10, 5), 1e-18);
        assertEquals(0.0, Engine.capFraction(1e6, 10, 0), 0.0);
        // the training sample's fraction is the one before the test cap existed, bit for bit
        for (double[] c : new double[][] {{800_000, 1e6}, {2.4e6, 1e6}, {8e6, 95_733}, {1e5, 10}}) {
            double old = c[0] <= c[1] ? 1.0 : Math.max(0.0, (c[1] - 4 * Math.sqrt(c[1])) / c[0]);
            assertEquals(Double.doubleToRawLongBits(old), Double.doubleToRawLongBits(Engine.capFraction(c[0], c[1], 0)));
        }
    }
}
