package org.minespark.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.minespark.core.Bound;
import org.minespark.core.BoundStats;
import org.minespark.core.CriticEnsemble;
import org.minespark.core.CriticShape;
import org.minespark.core.DvEvalStats;
import org.minespark.core.EstimatorReach;
import org.minespark.core.ReplicateStats;
import org.minespark.spec.DvBound;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;
import org.minespark.spec.TrainingInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An estimate's replicate critics (plan entries {@link Plan.Pair#replicate()} 0..R-1 of one pair,
 * trained in one pass): which one's training history the result shows, and the estimate and
 * interval over all of them ({@link ReplicateStats}). The estimate is the held-out bound of their
 * ensemble, the mean critic ({@link org.minespark.core.CriticEnsemble}: at least the mean of their
 * estimates, since every bound is concave in the critic's values), when the engine evaluated one;
 * else the mean of their estimates. The interval is centred on it, with the replicates' spread
 * (training variability) and the held-out standard error.
 */
final class Replicates {
    private static final Logger LOG = LoggerFactory.getLogger(Replicates.class);
    /** The two-sided held-out interval's normal quantile (as {@link BoundStats#ci95Low()}). */
    private static final double Z95 = 1.959963984540054;

    private Replicates() {
    }

    /** The evaluation of a pass's R critics followed by their mean (critic R), and the weights to evaluate. */
    record Ensemble(Evaluation evaluation, float[][][] weights) {
    }

    /**
     * When the critics are the R &ge; 2 replicates 0..R-1 of one concat-critic pair and every one
     * kept weights ({@code kept[m]} non-null): the evaluation of the R critics plus their ensemble
     * {@link CriticEnsemble} (critic R, with its own worker pool), with the weights; else null.
     */
    static Ensemble ensemble(CriticShape[] shapes, int[][] xDims, int[][] yDims, int[] replicates, float[][][] kept,
                             String kernels, Bound bound, int pairings) {
        int n = shapes.length;
        if (n < 2 || !CriticEnsemble.applies(shapes[0])) {
            return null;
        }
        for (int m = 0; m < n; m++) {
            if (kept[m] == null || replicates[m] != m || !shapes[m].equals(shapes[0])
                    || !Arrays.equals(xDims[m], xDims[0]) || !Arrays.equals(yDims[m], yDims[0])) {
                return null;
            }
        }
        CriticShape[] s = Arrays.copyOf(shapes, n + 1);
        s[n] = CriticEnsemble.shape(shapes[0], n);
        float[][][] w = Arrays.copyOf(kept, n + 1);
        w[n] = CriticEnsemble.params(shapes[0], kept);
        int[][] xd = Arrays.copyOf(xDims, n + 1);
        int[][] yd = Arrays.copyOf(yDims, n + 1);
        xd[n] = xDims[0];
        yd[n] = yDims[0];
        return new Ensemble(new Evaluation(s, xd, yd, Arrays.copyOf(replicates, n + 1), kernels, bound, pairings,
                new SplittableRandom().nextLong()), w);
    }

    /** The replicate whose training the result reports: the first that trained OK, else replicate 0. */
    static Engine.Outcome primary(Engine.Outcome[] all) {
        for (Engine.Outcome o : all) {
            if (PairResult.OK.equals(o.status())) {
                return o;
            }
        }
        return all[0];
    }

    /** A warning per replicate without an estimate (when another replicate has one). */
    static List<String> lost(Engine.Outcome[] all) {
        List<String> w = new ArrayList<>();
        int ok = ok(all).size();
        if (ok == 0) {
            return w;
        }
        for (int r = 0; r < all.length; r++) {
            if (!PairResult.OK.equals(all[r].status())) {
                w.add(String.format(Locale.ROOT, "replicate critic %d of %d has no estimate (%s: %s); the estimate and"
                        + " its interval use the other %d", r, all.length, all[r].status(), all[r].message(), ok));
            }
        }
        return w;
    }

    /**
     * A warning per replicate other than {@code primary} that trained OK on its retry after a
     * divergence (the primary's retry has its own warning and the result's {@code diverged} flag),
     * and, when any of R &ge; 2 replicates was retried and their ensemble critic was not evaluated
     * ({@code ensembleUsed} false; {@link Engine#run} skips it after a retry), that the estimate is
     * the mean of their estimates.
     */
    static List<String> retried(Engine.Outcome[] all, Engine.Outcome primary, double lr, double lr2,
                                boolean ensembleUsed) {
        List<String> w = new ArrayList<>();
        boolean any = false;
        for (int r = 0; r < all.length; r++) {
            Pass.Trained t = all[r].trained();
            if (t == null || !t.retried()) {
                continue;
            }
            any = true;
            if (all[r] != primary && PairResult.OK.equals(all[r].status())) {
                w.add(String.format(Locale.ROOT, "replicate critic %d of %d: training diverged at learning rate %s (%s);"
                        + " its estimate comes from one retry from scratch at learning rate %s", r, all.length,
                        Engine.rate(lr), t.firstDivergence(), Engine.rate(lr2)));
            }
        }
        if (any && all.length > 1 && !ensembleUsed) {
            w.add("a replicate critic was retried after a divergence, so the estimate is the mean of the replicate"
                    + " critics' estimates, not the estimate of their ensemble (mean) critic, which is usually higher;"
                    + " a smaller --lr avoids the retry");
        }
        return w;
    }

    private static List<BoundStats> ok(Engine.Outcome[] all) {
        List<BoundStats> s = new ArrayList<>();
        for (Engine.Outcome o : all) {
            if (PairResult.OK.equals(o.status())) {
                s.add(o.eval().bound);
            }
        }
        return s;
    }

    /**
     * {@code res} (the primary replicate's held-out result) with the estimate, interval, standard
     * error and DV bound over every replicate that trained OK: their mean, and the interval of
     * {@link ReplicateStats}, one-sided when any replicate's estimate or the ensemble's is near the
     * estimator's limit. The result's {@code near_estimator_limit} follows the interval: when the
     * primary replicate (whose held-out evaluation {@code res} carries) was not near but another
     * critic was, the flag is set from that critic, ensemble first, with its warning, so a one-sided
     * interval never comes without the flag that explains it. With one replicate the interval is the
     * held-out one ({@link TrainingInterval#METHOD_HELD_OUT}).
     */
    static MiResult interval(MiResult res, Engine.Outcome[] all, BoundStats ensemble) {
        List<BoundStats> ok = ok(all);
        double[] est = new double[ok.size()];
        double[] se = new double[ok.size()];
        int nearReplicate = -1; // the first replicate near the estimator's limit
        for (int r = 0; r < est.length; r++) {
            est[r] = ok.get(r).estimate();
            se[r] = ok.get(r).stdError();
            if (nearReplicate < 0 && Evaluation.nearLimit(ok.get(r))) {
                nearReplicate = r;
            }
        }
        boolean near = nearReplicate >= 0;
        boolean nearEnsemble = false;
        ReplicateStats st = new ReplicateStats(est, se);
        boolean ens = ensemble != null && ok.size() == all.length && Double.isFinite(ensemble.estimate());
        if (ens) {
            nearEnsemble = Evaluation.nearLimit(ensemble);
            near |= nearEnsemble;
            st = st.centredOn(ensemble.estimate(), ensemble.stdError());
        }
        double mean = st.mean();
        double h = st.heldOutSe();
        String method = est.length > 1 ? TrainingInterval.METHOD_REPLICATES : TrainingInterval.METHOD_HELD_OUT;
        TrainingInterval t = new TrainingInterval(method, est, st.spread(), st.degreesOfFreedom(), near,
                Math.max(0, mean - Z95 * h), Math.max(0, mean + Z95 * h), Math.max(0, st.extrapolated()));
        double low = st.low(near);
        double high = st.high(near);
        if (est.length > 1) {
            LOG.info(String.format(Locale.ROOT, "replicates: %d critics, estimates %s nats, %s %.4f, spread %.4f,"
                            + " held-out se %.4f, extrapolated %.4f, interval %s[%.4f, %.4f] (%s)", est.length,
                    java.util.Arrays.toString(
                            java.util.Arrays.stream(est).map(v -> Math.round(v * 1e4) / 1e4).toArray()),
                    ens ? "ensemble critic" : "mean", mean, st.spread(),
                    h, st.extrapolated(), near ? "one-sided " : "", low, high, st.degreesOfFreedom() == Integer.MAX_VALUE ? "normal"
                            : st.degreesOfFreedom() + " df"));
        }
        MiResult out = res.withInterval(Math.max(0, mean), Math.max(0, low), Math.max(0, high), st.stdError(), t)
                .withDv(dvBound(ens ? List.of(ensemble) : ok));
        if (!near || res.reliability().nearEstimatorLimit()) {
            return out;
        }
        BoundStats why = nearEnsemble ? ensemble : ok.get(nearReplicate);
        String who = nearEnsemble ? "the ensemble critic, whose estimate is reported"
                : "replicate critic " + nearReplicate + " of " + all.length;
        return out.withReliability(new MiResult.Reliability(why.marginalEss(),
                EstimatorReach.reachNats(why.count()), true), who + ": "
                + EstimatorReach.warning(res.bound(), Math.max(0, why.estimate()),
                        Math.max(0, why.ci95High()), why.count(), why.marginalEss(), why.marginalPairs()));
    }

    /**
     * The DV bound of the trained critics from their held-out statistics ({@link DvBound}): the mean
     * over the replicates of each one's DV bound and delta-method standard error.
     */
    static DvBound dvBound(List<BoundStats> stats) {
        double v = 0;
        double se = 0;
        for (BoundStats b : stats) {
            if (!(b instanceof DvEvalStats d) || d.count() == 0) {
                return new DvBound(Double.NaN, Double.NaN, "not computed: infonce scores groups of rows,"
                        + " not a joint and a marginal score per row");
            }
            v += d.dvEstimate();
            se += d.dvStdError();
        }
        v /= stats.size();
        se /= stats.size();
        return Double.isNaN(v) ? new DvBound(v, Double.NaN, "not computed: smile keeps only the clipped marginal sums")
                : new DvBound(v, se, "");
    }
}
