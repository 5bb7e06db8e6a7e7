package org.minespark.spec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the result's 95 % interval ({@link MiResult#ci95LowNats()}, {@link MiResult#ci95HighNats()})
 * was made, and the held-out interval beside it.
 * <ul>
 * <li>{@link #METHOD_REPLICATES}: R critics of the pair trained in one pass, each with its own
 *     initial weights and minibatches; the estimate is their mean and the interval includes the
 *     spread between them (training variability) and the held-out noise
 *     ({@code org.minespark.core.ReplicateStats});</li>
 * <li>{@link #METHOD_HELD_OUT}: one critic (R = 1, or a checkpointed run): the interval is the
 *     held-out one, which leaves training variability out.</li>
 * </ul>
 * {@code oneSided}: the estimate is near the estimator's limit, so it is reported as a lower bound
 * and the interval is {@code [low, +inf)} (95 % one-sided).
 *
 * @param method            {@link #METHOD_REPLICATES} or {@link #METHOD_HELD_OUT}
 * @param estimatesNats     each replicate's estimate (nats), in replicate order (one for held-out)
 * @param spreadNats        the sample standard deviation of {@code estimatesNats} (0 for one)
 * @param degreesOfFreedom  the t interval's degrees of freedom ({@link Integer#MAX_VALUE}: normal)
 * @param oneSided          whether the interval is a one-sided lower bound
 * @param heldOutLowNats    the held-out 95 % interval of the estimate: the test-row noise only
 * @param heldOutHighNats   its upper end
 * @param extrapolatedNats  the ensemble's extrapolation to infinitely many critics, from which the
 *                          upper end reaches ({@code org.minespark.core.ReplicateStats#extrapolated});
 *                          the estimate when there is no ensemble
 */
public record TrainingInterval(String method, double[] estimatesNats, double spreadNats, int degreesOfFreedom,
                               boolean oneSided, double heldOutLowNats, double heldOutHighNats,
                               double extrapolatedNats)
        implements Serializable {
    public static final String METHOD_REPLICATES = "replicates";
    public static final String METHOD_HELD_OUT = "held-out";
    /** No interval method (a constant column group: the exact [0, 0]). */
    public static final TrainingInterval NONE = new TrainingInterval("exact", new double[0], 0.0, Integer.MAX_VALUE,
            false, 0.0, 0.0, 0.0);

    public TrainingInterval {
        estimatesNats = estimatesNats.clone();
    }

    @Override
    public double[] estimatesNats() {
        return estimatesNats.clone();
    }

    /** The result.json keys ({@code interval_*}, {@code heldout_ci95_*}). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interval_method", method);
        m.put("interval_sided", oneSided ? "lower" : "two-sided");
        m.put("replicates", estimatesNats.length);
        m.put("replicate_estimates_nats", estimatesNats.clone());
        m.put("replicate_spread_nats", spreadNats);
        m.put("interval_df", degreesOfFreedom == Integer.MAX_VALUE ? null : degreesOfFreedom);
        m.put("ensemble_extrapolated_nats", extrapolatedNats);
        m.put("heldout_ci95_nats", new double[] {heldOutLowNats, heldOutHighNats});
        m.put("heldout_ci95_bits", new double[] {heldOutLowNats / MiResult.LN2, heldOutHighNats / MiResult.LN2});
        return m;
    }
}
