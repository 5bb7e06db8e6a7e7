package org.minespark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.minespark.core.ValueEncoding;

/** The distinct values of a column as code detection counts them: numbers without boxing, strings, the limit, merges. */
class LevelStatsTest {

    @Test
    void numbers_distinctOnce_growPastTheFirstTable_andMerge() {
        CodeDetection.LevelStats a = new CodeDetection.LevelStats();
        CodeDetection.LevelStats b = new CodeDetection.LevelStats();
        for (int rep = 0; rep < 3; rep++) {
            for (int v = 0; v < 40; v++) {
                a.add((double) v);
            }
            for (int v = 30; v < 100; v++) {
                b.add(v * 1.0);
            }
        }
        assertEquals(40, a.distinct());
        assertEquals(120, a.rows);
        a.merge(b);
        assertEquals(100, a.distinct());
        assertEquals(330, a.rows);
        double[] got = a.numbers();
        Arrays.sort(got);
        double[] want = new double[100];
        Arrays.setAll(want, i -> i);
        assertArrayEquals(want, got, 0.0);
    }

    @Test
    void numbers_pastTheLimit_areOver_andStayOverAfterMerges() {
        CodeDetection.LevelStats a = new CodeDetection.LevelStats();
        for (int v = 0; v <= ValueEncoding.MAX_LEVELS; v++) {
            a.add(v + 0.5);
        }
        assertTrue(a.over);
        assertEquals(ValueEncoding.MAX_LEVELS + 1, a.distinct());
        CodeDetection.LevelStats b = new CodeDetection.LevelStats();
        b.add(1.0);
        assertEquals(ValueEncoding.MAX_LEVELS + 1, b.merge(a).distinct());
        assertEquals(0, b.numbers().length);
    }

    @Test
    void strings_countedAsBefore() {
        CodeDetection.LevelStats s = new CodeDetection.LevelStats();
        for (String v : new String[] {"x", "y", "x", "z"}) {
            s.add((Object) v);
        }
        assertEquals(3, s.distinct());
        String[] got = s.strings();
        Arrays.sort(got);
        assertArrayEquals(new String[] {"x", "y", "z"}, got);
    }
}
