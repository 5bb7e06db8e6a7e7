package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;

import org.minespark.core.BoundStats;
import org.minespark.core.ConvergenceMonitor;
import org.minespark.spec.MiResult;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;

/**
 * The {@link PairResult} row of one pair of a {@code pairs} run: from its engine outcome
 * ({@link #result}), or skipped for one of its columns ({@link #skipped}).
 */
final class PairRows {
    private PairRows() {
    }

    /** The row of pair {@code p} ({@code [x unit, y unit]}), skipped for a column ({@code why}), of {@code rows} read. */
    static PairResult skipped(List<String> p, long rows, String why) {
        return new PairResult(p.get(0) + " ~ " + p.get(1), p.get(0), p.get(1), Double.NaN, Double.NaN,
                Double.NaN, MiResult.Significance.NONE, rows, 0, 0, 0, false, false, false, false, 0,
                PairResult.SKIPPED, why).withMissingRate(Double.NaN);
    }

    /** The row of one pair from its engine outcome. */
    static PairResult result(Plan.Pair p, Engine.Outcome o, MineSpec spec, long usable) {
        Pass.Trained t = o.trained();
        List<String> notes = new ArrayList<>(o.warnings());
        if (PairResult.CONSTANT.equals(o.status())) {
            notes.add(0, o.message());
            return new PairResult(p.name(), p.x(), p.y(), 0, 0, 0, MiResult.Significance.NONE, usable, 0, 0, 0, false,
                    false, false, false, 0, PairResult.CONSTANT, String.join("; ", notes));
        }
        if (t == null) { // unbounded (the estimate's error) or screened (why not trained), as this pair's message
            notes.add(0, o.message());
            return new PairResult(p.name(), p.x(), p.y(), Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                    usable, 0, 0, 0, false, false, false, false, 0, o.status(), String.join("; ", notes));
        }
        String rate = Engine.rate(t.learningRate());
        ConvergenceMonitor mon = t.monitor();
        BoundStats eval = o.eval().bound;
        if (!PairResult.OK.equals(o.status())) {
            boolean diverged = PairResult.DIVERGED.equals(o.status());
            String msg = diverged ? "training diverged at learning rate " + rate + ": " + o.message() : o.message();
            if (diverged && t.retried()) {
                msg = "training diverged at learning rate " + Engine.rate(spec.learningRate()) + ": " + t.firstDivergence()
                        + "; and again on the retry from scratch: " + msg
                        + "; no estimate. Use a smaller --lr or a larger --batch-size, or check the columns for extreme values";
            }
            return new PairResult(p.name(), p.x(), p.y(), Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE,
                    usable, eval.count(), t.stepsRun(), t.bestStep(), false, false, diverged, t.retried(), o.seconds(),
                    o.status(), msg);
        }
        double est = eval.estimate();
        double lo = eval.ci95Low();
        double hi = eval.ci95High();
        MiResult.Significance sig = Evaluation.significance(o.eval().permutations, est, lo, spec.significanceLevel());
        if (t.retried()) {
            notes.add("training diverged at learning rate " + Engine.rate(spec.learningRate()) + ": "
                    + t.firstDivergence() + "; the estimate comes from one retry from scratch at learning rate " + rate
                    + ": use --lr " + rate + " or lower next time");
        }
        if (mon.stillIncreasing()) {
            notes.add("the validation estimate was still rising when the steps ran out: the estimate may be low;"
                    + " train longer (--steps)");
        }
        notes.addAll(Evaluation.notes(spec.bound(), eval));
        return new PairResult(p.name(), p.x(), p.y(), Math.max(0, est), Math.max(0, lo), Math.max(0, hi), sig, usable,
                eval.count(), t.stepsRun(), t.bestStep(), mon.converged(), mon.stillIncreasing(), false, t.retried(),
                o.seconds(), PairResult.OK, String.join("; ", notes));
    }
}
