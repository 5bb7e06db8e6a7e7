package org.minespark.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.minespark.core.MultipleTesting;
import org.minespark.spec.PairsSpec;
import org.minespark.spec.PlugIn;

/**
 * The screen of a {@code pairs} run: which pairs to train, from their plug-in estimates
 * ({@link PlugInPass}: one pass over the cached training rows, bounded by {@code max-train-rows}).
 * The screen's family is every pair with a plug-in estimate (x and y of one dimension each); its
 * G-test p-values get Benjamini-Hochberg q-values, and a pair is trained when its q-value is at
 * most {@link PairsSpec#screenAlpha()}, or, with {@link PairsSpec#trainTop()} N &gt; 0, when it
 * is among the N of highest plug-in value. A pair without a plug-in estimate (a side of several
 * dimensions) is always trained.
 */
final class Screening {
    private Screening() {
    }

    /** Per pair: null to train it, else why it is not trained. */
    static String[] decide(PlugIn[] plugIns, PairsSpec ps) {
        int total = plugIns.length;
        String[] skip = new String[total];
        double[] p = new double[total];
        List<Integer> screened = new ArrayList<>();
        for (int m = 0; m < total; m++) {
            p[m] = plugIns[m].computed() ? plugIns[m].pValue() : Double.NaN;
            if (plugIns[m].computed()) {
                screened.add(m);
            }
        }
        double[] q = MultipleTesting.benjaminiHochberg(p);
        if (ps.screenOnly()) {
            for (int m = 0; m < total; m++) {
                skip[m] = "not trained: screen only (the plug-in estimate of a redundancy pair)";
            }
            return skip;
        }
        if (ps.trainTop() > 0) {
            screened.sort(Comparator.comparingDouble((Integer m) -> -plugIns[m].nats()).thenComparingInt(m -> m));
            for (int r = ps.trainTop(); r < screened.size(); r++) {
                int m = screened.get(r);
                skip[m] = String.format(Locale.ROOT, "not trained: screen rank %d > --train-top %d (plug-in %.4g nats,"
                        + " screen q = %.3g)", r + 1, ps.trainTop(), plugIns[m].nats(), q[m]);
            }
            return skip;
        }
        for (int m : screened) {
            if (!(q[m] <= ps.screenAlpha())) {
                skip[m] = String.format(Locale.ROOT, "not trained: the screen found no evidence of dependence (plug-in"
                        + " %.4g nats, G-test q = %.3g > --screen-alpha %s)", plugIns[m].nats(), q[m], ps.screenAlpha());
            }
        }
        return skip;
    }
}
