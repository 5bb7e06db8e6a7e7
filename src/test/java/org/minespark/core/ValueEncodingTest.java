package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The per-value encoding: injective, deterministic per (seed, column), and the code-like rule. */
class ValueEncodingTest {

    private static double[] vector(ValueEncoding e, int level) {
        double[] out = new double[ValueEncoding.DIMS];
        e.write(level, out, 0);
        return out;
    }

    @Test
    void injective_distinctValuesGetDistinctVectors_andTheRandomPartAloneIsInjective() {
        double[] values = new double[ValueEncoding.MAX_LEVELS];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 3 - 5000; // 4096 integer codes, negative ones too
        }
        ValueEncoding e = ValueEncoding.ofNumbers("code", values, 7);
        Set<String> full = new HashSet<>();
        Set<String> random = new HashSet<>();
        for (int i = 0; i < values.length; i++) {
            double[] v = vector(e, e.index(values[i]));
            assertEquals(values[i], v[0], 0.0, "the first dimension is the value itself");
            full.add(Arrays.toString(v));
            random.add(Arrays.toString(Arrays.copyOfRange(v, 1, v.length)));
        }
        assertEquals(values.length, full.size());
        // the first coordinate makes the map injective by construction; the random part is too (15 floats)
        assertEquals(values.length, random.size());
    }

    @Test
    void randomPart_isStandardNormal() {
        // 4096 x 15 iid N(0,1) entries: mean within 4 SE (0.004), variance within 4 SE (0.0092) of 1
        double[] values = new double[ValueEncoding.MAX_LEVELS];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        ValueEncoding e = ValueEncoding.ofNumbers("c", values, 3);
        double s = 0;
        double s2 = 0;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            double[] v = vector(e, i);
            for (int j = 1; j < v.length; j++) {
                s += v[j];
                s2 += v[j] * v[j];
                n++;
            }
        }
        double mean = s / n;
        assertEquals(0.0, mean, 4 / Math.sqrt(n));
        assertEquals(1.0, s2 / n - mean * mean, 4 * Math.sqrt(2.0 / n));
    }

    @Test
    void deterministicPerSeed_sameValueSameVectorInEveryColumn_otherSeedOtherVectors() throws Exception {
        double[] values = {4, 1, 9, 2};
        ValueEncoding a = ValueEncoding.ofNumbers("c", values, 11);
        ValueEncoding b = ValueEncoding.ofNumbers("c", new double[] {9, 2, 4, 1}, 11); // order of discovery is irrelevant
        for (double v : values) {
            assertArrayEquals(vector(a, a.index(v)), vector(b, b.index(v)), 0.0);
        }
        // a serialised copy (an executor's) rebuilds the same table from the seed
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(a);
        }
        ValueEncoding copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ValueEncoding) in.readObject();
        }
        assertArrayEquals(vector(a, 2), vector(copy, 2), 0.0);
        // another column with other levels: value 9 gets the same random part (a column and its copy line up)
        ValueEncoding other = ValueEncoding.ofNumbers("d", new double[] {9, 100}, 11);
        double[] va = vector(a, a.index(9));
        double[] vo = vector(other, other.index(9));
        assertArrayEquals(Arrays.copyOfRange(va, 1, va.length), Arrays.copyOfRange(vo, 1, vo.length), 0.0);
        ValueEncoding s1 = ValueEncoding.ofStrings("s", new String[] {"x", "y"}, 11);
        ValueEncoding s2 = ValueEncoding.ofStrings("t", new String[] {"a", "y"}, 11);
        assertArrayEquals(Arrays.copyOfRange(vector(s1, 1), 1, ValueEncoding.DIMS),
                Arrays.copyOfRange(vector(s2, 1), 1, ValueEncoding.DIMS), 0.0);
        ValueEncoding otherSeed = ValueEncoding.ofNumbers("c", values, 12);
        assertFalse(Arrays.equals(vector(a, 0), vector(otherSeed, 0)));
        // -0.0 and 0.0 are one value
        assertArrayEquals(vector(ValueEncoding.ofNumbers("z", new double[] {0.0}, 1), 0),
                vector(ValueEncoding.ofNumbers("z", new double[] {-0.0}, 1), 0), 0.0);
    }

    @Test
    void strings_levelIndexThenRandomPart_unknownValueIsMinusOne() {
        ValueEncoding e = ValueEncoding.ofStrings("s", new String[] {"b", "a", "c"}, 1);
        assertTrue(e.strings());
        assertEquals(3, e.levels());
        assertEquals(0, e.index("a"));
        assertEquals(2, e.index("c"));
        assertEquals(-1, e.index("zz"));
        assertEquals(-1, ValueEncoding.ofNumbers("n", new double[] {1, 2}, 1).index(1.5));
        assertEquals(1.0, vector(e, 1)[0], 0.0);
        assertNotEquals(Arrays.toString(vector(e, 0)), Arrays.toString(vector(e, 1)));
        assertThrows(IllegalArgumentException.class, () -> ValueEncoding.ofNumbers("n", new double[] {1, 1}, 1));
    }

    @Test
    void codeLikeRule() {
        assertTrue(ValueEncoding.codeLike(10_000, 1000, true), "integer codes, 10 rows per value");
        assertTrue(ValueEncoding.codeLike(20, 2, true), "a binary column");
        assertFalse(ValueEncoding.codeLike(10_000, 1000, false), "not integers: a continuous column");
        assertFalse(ValueEncoding.codeLike(1_000_000, 4097, true), "too many levels");
        assertFalse(ValueEncoding.codeLike(9_999, 1000, true), "fewer than 10 rows per value");
        assertFalse(ValueEncoding.codeLike(1000, 1, true), "a constant");
    }
}
