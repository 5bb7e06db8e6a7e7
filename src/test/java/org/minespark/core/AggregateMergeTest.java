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

    /**
     * Per bound and critic: eight partitions' worker aggregates (one partition empty) merged as
     * random binary trees give the same bound value and loss gradient as the sequential merge,
     * to 1e-5 relative (double reassociation and exp rescaling; the gradients are float32 sums).
     */
    @Test
    void eachBound_mergeOfWorkerAggregatesInAnyOrder_equalsSequentialMerge() {
        SplittableRandom r = new SplittableRandom(2024);
        for (CriticShape shape : new CriticShape[] {new CriticShape(3, 2, new int[] {6}),
                CriticShape.separable(3, 2, new int[] {6}, 3)}) {
            float[][] p = shape.init(11);
            for (String name : new String[] {"dv", "dv-biased", "nwj", "infonce", "smile"}) {
                Bound bound = Bound.forName(name, 0.01, 0.5, 8);
                PartitionWorker w = new PartitionWorker(shape, Kernels.forName("scalar"), 32, bound);
                List<StepAggregate> parts = new ArrayList<>();
                for (int part = 0; part < 8; part++) {
                    int n = 20 + r.nextInt(20);
                    float[] bx = new float[n * 3];
                    float[] by = new float[n * 2];
                    for (int i = 0; i < bx.length; i++) {
                        bx[i] = (float) (r.nextGaussian() * 2);
                    }
                    for (int i = 0; i < by.length; i++) {
                        by[i] = (float) (bx[(i / 2) * 3] + r.nextGaussian());
                    }
                    int batch = part == 3 ? 0 : 5 + r.nextInt(25);
                    StepAggregate a = w.trainStep(new FloatBlock(n, 3, 2, bx, by), p, batch, r.nextLong());
                    parts.add(copy(a, (int) shape.numParams()));
                }
                StepAggregate seq = new StepAggregate((int) shape.numParams());
                for (StepAggregate a : parts) {
                    seq.merge(copy(a, (int) shape.numParams()));
                }
                float[][] gSeq = shape.zeros();
                bound.lossGradient(seq, bound.newState(), gSeq);
                for (int trial = 0; trial < 5; trial++) {
                    List<StepAggregate> aggs = new ArrayList<>();
                    for (StepAggregate a : parts) {
                        aggs.add(copy(a, (int) shape.numParams()));
                    }
                    Collections.shuffle(aggs, new java.util.Random(trial));
                    while (aggs.size() > 1) {
                        StepAggregate x = aggs.remove(r.nextInt(aggs.size()));
                        int b = r.nextInt(aggs.size());
                        aggs.set(b, aggs.get(b).merge(x));
                    }
                    StepAggregate m = aggs.get(0);
                    assertRel(bound.value(seq), bound.value(m), name + " value");
                    float[][] g = shape.zeros();
                    bound.lossGradient(m, bound.newState(), g);
                    for (int t = 0; t < g.length; t++) {
                        for (int j = 0; j < g[t].length; j++) {
                            assertEquals(gSeq[t][j], g[t][j], 1e-5 * (Math.abs(gSeq[t][j]) + 1e-4), name + " gradient");
                        }
                    }
                }
            }
        }
    }

    /** A deep copy through Java serialization: the wire format (gradients as float32) of a task result. */
    private static StepAggregate copy(StepAggregate a, int params) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(a);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                StepAggregate c = (StepAggregate) in.readObject();
                assertEquals(params, c.gradJoint().length);
                return c;
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void stepAggregate_serialization_keepsRowTermsAndCounts() {
        StepAggregate a = new StepAggregate(2);
        a.addJoint(3, 1.5, new float[][] {{1f, 2f}});
        a.addRowTerms(0.75);
        a.addMarginal(2, 0.5, 1.25, new float[][] {{0.5f, 0.25f}});
        StepAggregate c = copy(a, 2);
        assertEquals(0.75, c.sumRowTerms(), 0.0);
        assertEquals(1.5, c.sumTJoint(), 0.0);
        assertEquals(3, c.nJoint());
        assertEquals(2, c.nMarg());
        assertEquals(0.25, c.gradMarg()[1], 0.0);
    }

    /** The held-out accumulators of nwj, smile and infonce: random contiguous splits merged in random order equal one pass. */
    @Test
    void boundStats_mergeOfRandomSplits_equalsOnePass() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 4096;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (1 + r.nextGaussian());
            b[i] = (float) (r.nextGaussian() * 2);
        }
        for (String name : new String[] {"dv", "nwj", "smile", "infonce"}) {
            Bound bound = Bound.forName(name, 0.01, 1.5, 16);
            boolean groups = name.equals("infonce");
            int unit = groups ? 256 : 1; // infonce: 16 x 16 score matrices
            BoundStats whole = bound.newStats();
            feed(whole, a, b, 0, n, groups);
            for (int trial = 0; trial < 10; trial++) {
                List<BoundStats> s = new ArrayList<>();
                int start = 0;
                while (start < n) {
                    int end = Math.min(n, start + unit * (1 + r.nextInt(n / unit / 3)));
                    BoundStats part = bound.newStats();
                    feed(part, a, b, start, end, groups);
                    s.add(part);
                    start = end;
                }
                s.add(bound.newStats()); // empty
                Collections.shuffle(s, new java.util.Random(trial));
                BoundStats m = bound.newStats();
                for (BoundStats x : s) {
                    m.merge(x);
                }
                assertEquals(whole.count(), m.count());
                assertRel(whole.estimate(), m.estimate(), name + " estimate");
                assertRel(whole.stdError(), m.stdError(), name + " std error");
            }
        }
    }

    private static void feed(BoundStats s, float[] a, float[] b, int start, int end, boolean groups) {
        if (groups) {
            for (int g = start; g < end; g += 256) {
                float[] m = java.util.Arrays.copyOfRange(b, g, g + 256);
                for (int i = 0; i < 16; i++) {
                    m[i * 16 + i] = a[g + i] + 2f;
                }
                s.addScores(m, 16);
            }
        } else {
            s.add(java.util.Arrays.copyOfRange(a, start, end), java.util.Arrays.copyOfRange(b, start, end), end - start);
        }
    }

    @Test
    void nwjAndSmileStats_knownValues() {
        // NWJ: a = {1, 3}, b = {1, 1 + ln 3}: mean a - mean e^(b-1) = 2 - 2 = 0
        BoundStats nwj = Bound.forName("nwj").newStats();
        nwj.add(new float[] {1f, 3f}, new float[] {1f, (float) (1 + Math.log(3))}, 2);
        assertEquals(0.0, nwj.estimate(), 1e-6);
        // SMILE tau = 1: b = {0, 5} is clipped to {0, 1}: 2 - ln((1 + e)/2)
        BoundStats smile = Bound.forName("smile", 0.01, 1.0, 8).newStats();
        smile.add(new float[] {1f, 3f}, new float[] {0f, 5f}, 2);
        assertEquals(2 - Math.log((1 + Math.E) / 2), smile.estimate(), 1e-6);
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
