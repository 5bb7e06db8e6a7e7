package org.minespark.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The data settings validate their values and name the setting and the value when they reject one. */
class DataSettingsTest {
    @Test
    void maxTestRows_defaultTwoHundredThousand_atLeastTwo() {
        MineSpec s = MineSpec.x("a").y("b");
        assertEquals(MineSpec.DEFAULT_MAX_TEST_ROWS, s.maxTestRows());
        assertEquals(200_000L, s.maxTestRows());
        assertEquals(2L, s.withMaxTestRows(2).maxTestRows());
        for (long bad : new long[] {1, 0, -5}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withMaxTestRows(bad));
            assertTrue(e.getMessage().contains("max-test-rows") && e.getMessage().contains("got " + bad), e.getMessage());
        }
        // the other data settings are kept
        MineSpec t = s.withMaxTrainRows(5000).withEvalFraction(0.3).withMaxTestRows(7000);
        assertEquals(5000L, t.maxTrainRows());
        assertEquals(0.3, t.evalFraction(), 0.0);
        assertEquals(7000L, t.maxTestRows());
        assertEquals(7000L, t.withMaxTrainRows(9000).withEncoding("scalar").withTransform("standardize").maxTestRows());
    }
}
