package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.minespark.core.TrainingCheckpoint;
import org.minespark.spark.Engine.Outcome;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The {@link Outcome} of every pair of a run: the pairs not to train from their input checks
 * ({@link #trainable}), the others by training them in {@link Pass}es and evaluating each pass's
 * kept weights on the test rows ({@link Evaluation}) ({@link #passes}).
 */
final class Outcomes {
    private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

    private final JavaSparkContext jsc;
    private final Engine.Run run;
    private final MineSpec spec;
    private final long seed;
    private final int parts;
    private final InputChecks checks;
    private final JavaRDD<float[]> testRows;
    /** The held-out statistics of the replicates' ensemble critic ({@link Replicates#ensemble}), or null. */
    private org.minespark.core.BoundStats ensemble;

    Outcomes(JavaSparkContext jsc, Engine.Run run, int parts, InputChecks checks, JavaRDD<float[]> testRows) {
        this.jsc = jsc;
        this.run = run;
        this.spec = run.spec();
        this.seed = run.seed();
        this.parts = parts;
        this.checks = checks;
        this.testRows = testRows;
    }

    /**
     * Fills the outcome of every pair that is not trained (a constant side, an exact affine relation,
     * or a reason in {@code skip}) and returns the others, in plan order.
     */
    static List<Integer> trainable(InputChecks checks, String[] skip, Outcome[] out) {
        List<Integer> trainable = new ArrayList<>();
        for (int m = 0; m < out.length; m++) {
            List<String> w = new ArrayList<>(checks.pairWarnings(m));
            if (checks.constant(m) != null) {
                out[m] = new Outcome(PairResult.CONSTANT, checks.constant(m), null, null, w, 0);
            } else if (checks.unbounded(m) != null) {
                out[m] = new Outcome(PairResult.UNBOUNDED, checks.unbounded(m), null, null, w, 0);
            } else if (skip[m] != null) {
                out[m] = new Outcome(PairResult.SCREENED, skip[m], null, null, w, 0);
            } else {
                trainable.add(m);
            }
        }
        return trainable;
    }

    /**
     * Trains and evaluates {@code members} in passes, filling {@code out}; returns the members that
     * diverged (to retry) on the first attempt.
     */
    List<Integer> passes(List<Integer> members, int per, double lr, int attempt, String[] first,
                         Checkpointing.Checkpoints ck, TrainingCheckpoint resume, Outcome[] out) {
        List<Integer> diverged = new ArrayList<>();
        int passes = (members.size() + per - 1) / per;
        for (int pass = 0; pass < passes; pass++) {
            List<Integer> group = members.subList(pass * per, Math.min(members.size(), (pass + 1) * per));
            long tPass = System.nanoTime();
            String[] firstOfGroup = null;
            if (first != null) {
                firstOfGroup = new String[group.size()];
                for (int m = 0; m < group.size(); m++) {
                    firstOfGroup[m] = first[group.get(m)];
                }
            }
            Pass p = new Pass(run, group, lr, attempt, firstOfGroup, ck, resume);
            p.train();
            long tEval = System.nanoTime();
            Replicates.Ensemble ens = attempt == 0 ? p.ensemble() : null;
            EvalStats[] eval = ens == null
                    ? p.evaluation().evaluate(jsc, testRows, p.keptWeights(), parts, seed, spec.evalChunkRows(),
                    spec.permutations())
                    // replicates: the ensemble is critic R; the permutation test is replicate 0's only
                    : ens.evaluation().evaluate(jsc, testRows, ens.weights(), parts, seed, spec.evalChunkRows(),
                    spec.permutations(), 1);
            if (ens != null) {
                ensemble = eval[group.size()].bound;
            }
            LOG.info(String.format(Locale.ROOT, "test-row evaluation of %d critic(s): %d rows, %d permutations, %.2f s",
                    group.size(), eval[0].bound.count(), spec.permutations(), (System.nanoTime() - tEval) / 1e9));
            double secondsEach = (System.nanoTime() - tPass) / 1e9 / group.size();
            for (int m = 0; m < group.size(); m++) {
                int idx = group.get(m);
                Outcome o = outcome(idx, p.trained(m), eval[m], secondsEach);
                out[idx] = o;
                if (attempt == 0 && PairResult.DIVERGED.equals(o.status())) {
                    diverged.add(idx);
                }
            }
        }
        return diverged;
    }

    /** The held-out statistics of the last pass's replicate ensemble ({@link Replicates#ensemble}), or null. */
    org.minespark.core.BoundStats ensemble() {
        return ensemble;
    }

    private Outcome outcome(int idx, Pass.Trained t, EvalStats ev, double seconds) {
        List<String> w = new ArrayList<>(checks.pairWarnings(idx));
        if (t.failure() != null) {
            return new Outcome(PairResult.FAILED, t.failure(), t, ev, w, seconds);
        }
        if (t.monitor().diverged()) {
            return new Outcome(PairResult.DIVERGED, t.monitor().divergence(), t, ev, w, seconds);
        }
        if (ev.bound.count() == 0) {
            return new Outcome(PairResult.FAILED, "no held-out rows to evaluate (" + checks.stats().valid()
                    + " valid rows, eval-fraction " + spec.evalFraction() + "); use more rows or a larger eval-fraction",
                    t, ev, w, seconds);
        }
        double est = ev.bound.estimate();
        if (!Double.isFinite(est)) {
            return new Outcome(PairResult.DIVERGED, "the held-out estimate of the trained critic is not finite (" + est
                    + ")", t, ev, w, seconds);
        }
        return new Outcome(PairResult.OK, null, t, ev, w, seconds);
    }
}
