package org.minespark.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result.json rendering of a {@link MiResult}: its scalar fields (no curve) under their key
 * names, in a stable order ({@link MiResult#toMap()}).
 */
final class MiResultMap {
    private MiResultMap() {
    }

    static Map<String, Object> of(MiResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mi_nats", r.miNats());
        m.put("mi_bits", r.miBits());
        m.put("ci95_nats", new double[] {r.ci95LowNats(), r.ci95HighNats()});
        m.put("ci95_bits", new double[] {r.ci95LowBits(), r.ci95HighBits()});
        m.put("rho_i", MiResult.linfoot(r.miNats()));
        m.put("rho_i_ci95", new double[] {MiResult.linfoot(r.ci95LowNats()), MiResult.linfoot(r.ci95HighNats())});
        m.put("std_err_nats", r.stdErrNats());
        m.put("std_err_bits", r.stdErrBits());
        m.putAll(r.interval().toMap());
        m.put("positions", r.positions());
        m.put("mi_total_nats", r.miTotalNats());
        m.put("mi_total_bits", r.miTotalBits());
        m.put("ci95_total_nats", new double[] {r.ci95TotalLowNats(), r.ci95TotalHighNats()});
        m.put("ci95_total_bits", new double[] {r.ci95TotalLowNats() / MiResult.LN2, r.ci95TotalHighNats() / MiResult.LN2});
        m.put("n_rows", r.nRows());
        m.put("n_dropped", r.nDropped());
        m.put("n_train", r.nTrain());
        m.put("n_eval", r.nEval());
        m.put("steps", r.steps());
        m.put("best_step", r.convergence().bestStep());
        m.put("converged", r.convergence().converged());
        m.put("still_increasing", r.convergence().stillIncreasing());
        m.put("diverged", r.convergence().diverged());
        // the rate the reported critic was trained at, the retry's after one (the settings' learning_rate may say "auto")
        m.put("learning_rate_used", Double.isNaN(r.convergence().learningRate()) ? null : r.convergence().learningRate());
        m.put("retried_learning_rate", Double.isNaN(r.convergence().retriedLearningRate()) ? null
                : r.convergence().retriedLearningRate());
        m.put("n_validation", r.convergence().nValidation());
        m.put("final_batch_size", r.convergence().finalBatchSize() == 0 ? null : r.convergence().finalBatchSize());
        m.put("batch_growth_steps", r.convergence().batchGrowthSteps());
        m.put("near_estimator_limit", r.reliability().nearEstimatorLimit());
        m.put("marginal_ess", Double.isNaN(r.reliability().marginalEss()) ? null : r.reliability().marginalEss());
        m.put("estimator_reach_nats", Double.isNaN(r.reliability().reachNats()) ? null : r.reliability().reachNats());
        m.put("dependent", r.significance().dependent());
        m.put("significance_test", r.significance().test());
        m.put("p_value", nullIfNaN(r.significance().pValue()));
        m.put("permutations", r.significance().permutations());
        m.put("significance_level", nullIfNaN(r.significance().significanceLevel()));
        m.put("null_mean_nats", nullIfNaN(r.significance().nullMeanNats()));
        m.put("null_std_nats", nullIfNaN(r.significance().nullStdNats()));
        m.put("null_mean_bits", nullIfNaN(r.significance().nullMeanNats() / MiResult.LN2));
        m.put("null_std_bits", nullIfNaN(r.significance().nullStdNats() / MiResult.LN2));
        m.put("null_retrained", r.retrainedNull().critics());
        m.put("null_retrained_mean_nats", nullIfNaN(r.retrainedNull().meanNats()));
        m.put("null_retrained_std_nats", nullIfNaN(r.retrainedNull().stdNats()));
        m.put("null_retrained_mean_bits", nullIfNaN(r.retrainedNull().meanNats() / MiResult.LN2));
        m.put("null_retrained_std_bits", nullIfNaN(r.retrainedNull().stdNats() / MiResult.LN2));
        m.put("p_value_retrained", nullIfNaN(r.retrainedNull().pValue()));
        m.putAll(r.dv().toMap());
        m.putAll(r.plugIn().toMap());
        m.put("bound", r.bound());
        m.put("kernels", r.kernels());
        m.put("seconds", r.seconds());
        m.put("train_seconds", r.trainSeconds());
        m.put("train_samples_per_s", r.trainSamplesPerS());
        m.put("status", r.status());
        m.put("warnings", r.warnings());
        return m;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
