package org.minespark.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Merging per-partition aggregates over random splits (empty parts included, random merge order)
 * must equal one pass over all rows to 1e-5 relative: the only differences are floating-point
 * reassociation and the exp-rescaling of shifted sums (each ~1e-16 relative in double).
 */
class AggregateMergeTest {

    private static void assertRel(double expected, double actual, String what) {
        double tol = 1e-5 * Math.max(1e-12, Math.abs(expected));
        assertEquals(expected, actual, tol, what);
    }

    @Test
    void stepAggregate_mergeOfRandomSplits_equalsOnePass() {
        SplittableRandom r = new SplittableRandom(12345);
        int params = 13;
        int rows = 300;
        float[] t = new float[rows];
        float[][][] grads = new float[rows][1][params];
        boolean[] joint = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = (float) (r.nextGaussian() * 6); // wide range: exp shifts matter
            joint[i] = r.nextBoolean();
            for (int j = 0; j < params; j++) {
                grads[i][0][j] = (float) r.nextGaussian();
            }
        }
        StepAggregate whole = new StepAggregate(params);
        for (int i = 0; i < rows; i++) {
            add(whole, t[i], grads[i], joint[i]);
        }
        for (int trial = 0; trial < 20; trial++) {
            int parts = 1 + r.nextInt(8);
            List<StepAggregate> aggs = new ArrayList<>();
            for (int p = 0; p < parts + 2; p++) {
                aggs.add(new StepAggregate(params)); // two extra parts stay empty
            }
            for (int i = 0; i < rows; i++) {
                add(aggs.get(r.nextInt(parts)), t[i], grads[i], joint[i]);
            }
            Collections.shuffle(aggs, new java.util.Random(trial));
            // merge as a random binary tree
            while (aggs.size() > 1) {
                int a = r.nextInt(aggs.size());
                StepAggregate x = aggs.remove(a);
                int b = r.nextInt(aggs.size());
                aggs.set(b, aggs.get(b).merge(x));
            }
            StepAggregate m = aggs.get(0);
            assertEquals(whole.nJoint(), m.nJoint());
            assertEquals(whole.nMarg(), m.nMarg());
            assertRel(whole.sumTJoint(), m.sumTJoint(), "sum T joint");
            assertRel(whole.logMeanExpMarg(), m.logMeanExpMarg(), "log mean exp");
            assertRel(whole.dvEstimate(), m.dvEstimate(), "dv");
            for (int j = 0; j < params; j++) {
                assertRel(whole.gradJoint()[j], m.gradJoint()[j], "grad joint " + j);
                // compare the scale-free quantity G_m / S (the shifts may differ)
                assertRel(whole.gradMarg()[j] / whole.sumExpMarg(), m.gradMarg()[j] / m.sumExpMarg(), "grad marg " + j);
            }
        }
    }

    private static void add(StepAggregate a, float t, float[][] g, boolean joint) {
        if (joint) {
            a.addJoint(1, t, g);
        } else {
            float[][] w = {g[0].clone()};
            for (int j = 0; j < w[0].length; j++) {
                w[0][j] *= (float) Math.exp(0); // shift is t itself: e^(t - t) = 1
            }
            a.addMarginal(1, t, 1.0, w);
        }
    }

    @Test
    void dvEvalStats_mergeOfRandomSplits_equalsOnePass() {
        SplittableRandom r = new SplittableRandom(99);
        int n = 5000;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 + r.nextGaussian());
            b[i] = (float) (r.nextGaussian() * 3);
        }
        DvEvalStats whole = new DvEvalStats();
        whole.add(a, b, n);
        for (int trial = 0; trial < 20; trial++) {
            int parts = 1 + r.nextInt(10);
            List<DvEvalStats> s = new ArrayList<>();
            for (int p = 0; p < parts + 1; p++) {
                s.add(new DvEvalStats());
            }
            // contiguous random cut points, one part left empty
            int start = 0;
            for (int p = 0; p < parts; p++) {
                int end = p == parts - 1 ? n : start + r.nextInt(n - start + 1);
                float[] aa = java.util.Arrays.copyOfRange(a, start, end);
                float[] bb = java.util.Arrays.copyOfRange(b, start, end);
                s.get(p).add(aa, bb, end - start);
                start = end;
            }
            Collections.shuffle(s, new java.util.Random(trial));
            DvEvalStats m = new DvEvalStats();
            for (DvEvalStats x : s) {
                m.merge(x);
            }
            assertEquals(n, m.count());
            assertRel(whole.estimate(), m.estimate(), "estimate");
            assertRel(whole.stdError(), m.stdError(), "std error");
        }
    }

    @Test
    void dvEvalStats_knownValues() {
        // joint values a = {1, 3}, marginal b = {0, ln 3}: DV = 2 - ln 2
        DvEvalStats s = new DvEvalStats();
        s.add(new float[] {1f, 3f}, new float[] {0f, (float) Math.log(3)}, 2);
        assertEquals(2 - Math.log(2), s.estimate(), 1e-6);
    }

    @Test
    void columnStats_mergeEqualsOnePass() {
        SplittableRandom r = new SplittableRandom(5);
        ColumnStats whole = new ColumnStats(2);
        ColumnStats a = new ColumnStats(2);
        ColumnStats b = new ColumnStats(2);
        ColumnStats empty = new ColumnStats(2);
        for (int i = 0; i < 1000; i++) {
            double[] v = {1e6 + r.nextGaussian(), r.nextGaussian() * 10};
            whole.add(v);
            (i % 3 == 0 ? a : b).add(v);
        }
        whole.addDropped();
        b.addDropped();
        ColumnStats m = empty.merge(a).merge(b);
        assertEquals(whole.rows(), m.rows());
        assertEquals(1, m.dropped());
        for (int d = 0; d < 2; d++) {
            assertRel(whole.mean(d), m.mean(d), "mean");
            assertRel(whole.std(d), m.std(d), "std");
        }
    }
}
