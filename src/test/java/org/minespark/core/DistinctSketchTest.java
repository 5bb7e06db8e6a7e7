package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The KMV distinct-count sketch: exact below k, within its error above, and an exact merge. */
class DistinctSketchTest {

    @Test
    void exactBelowK_andRepeatsCountOnce() {
        DistinctSketch s = new DistinctSketch(DistinctSketch.DEFAULT_K);
        for (int rep = 0; rep < 5; rep++) {
            for (int v = 0; v < 1500; v++) {
                s.addLong(v);
            }
        }
        assertEquals(1500, s.estimate());
        DistinctSketch t = new DistinctSketch(64);
        for (String v : new String[] {"a", "b", "a", "c", "b"}) {
            t.addString(v);
        }
        assertEquals(3, t.estimate());
        DistinctSketch d = new DistinctSketch(64);
        for (double v : new double[] {0.0, -0.0, Double.NaN, Double.NaN, 1.5}) {
            d.addDouble(v);
        }
        assertEquals(3, d.estimate(), "0.0 and -0.0 are one value, and so are NaNs");
        assertThrows(IllegalArgumentException.class, () -> new DistinctSketch(2));
    }

    /**
     * 300 000 distinct integers and 200 000 distinct strings (each seen twice), k = 2048: the relative
     * standard error is 1 / sqrt(2046) = 2.2 %, so 4 standard errors (8.8 %) is a tolerance a correct
     * sketch misses with probability below 1e-4 (the hashes are fixed, so the result is too).
     */
    @Test
    void estimateAboveK_withinFourStandardErrors() {
        DistinctSketch ints = new DistinctSketch(DistinctSketch.DEFAULT_K);
        for (long v = 0; v < 300_000; v++) {
            ints.addLong(v * 7919);
        }
        DistinctSketch strings = new DistinctSketch(DistinctSketch.DEFAULT_K);
        for (int rep = 0; rep < 2; rep++) {
            for (int v = 0; v < 200_000; v++) {
                strings.addString("id-" + v);
            }
        }
        double tol = 4 / Math.sqrt(DistinctSketch.DEFAULT_K - 2);
        assertEquals(1.0, ints.estimate() / 300_000.0, tol, "ints: " + ints.estimate());
        assertEquals(1.0, strings.estimate() / 200_000.0, tol, "strings: " + strings.estimate());
    }

    /** Sketching two overlapping halves apart and merging them gives the sketch of the whole, exactly. */
    @Test
    void merge_equalsTheSketchOfTheUnion() {
        DistinctSketch whole = new DistinctSketch(512);
        DistinctSketch a = new DistinctSketch(512);
        DistinctSketch b = new DistinctSketch(512);
        DistinctSketch small = new DistinctSketch(512);
        for (long v = 0; v < 50_000; v++) {
            whole.addLong(v);
            if (v < 30_000) {
                a.addLong(v);
            }
            if (v >= 20_000) {
                b.addLong(v);
            }
        }
        small.addLong(3);
        assertEquals(whole.estimate(), a.merge(b).estimate());
        assertEquals(whole.estimate(), a.merge(small).estimate(), "a value already in the sketch adds nothing");
        DistinctSketch few = new DistinctSketch(512);
        few.addLong(1);
        few.addLong(2);
        DistinctSketch other = new DistinctSketch(512);
        other.addLong(2);
        other.addLong(5);
        assertEquals(3, few.merge(other).estimate());
        assertThrows(IllegalArgumentException.class, () -> few.merge(new DistinctSketch(64)));
    }
}
