package org.minespark.core;

/**
 * Adaptive minibatch growth for the bounds whose gradient rests on a self-normalised partition
 * term (dv, dv-biased): the rule that decides, at a validation pass, whether the next segment of
 * training steps needs a larger minibatch.
 *
 * <p><b>Why.</b> The DV gradient's partition term {@code grad ln E_Q[e^T]} is estimated on a
 * minibatch by the self-normalised weights {@code w_j = e^{T_j} / sum_k e^{T_k}} over the
 * {@code b} marginal pairs (Belghazi et al. 2018, "MINE", eq. 12; the EMA correction only rescales
 * the denominator). As the critic approaches {@code T = ln p(x,y)/(p(x)p(y)) + c} at high MI the
 * weights concentrate on a few marginal pairs: the variance of the self-normalised estimate is
 * about {@code E_Q[w^2]/b}, which grows like {@code e^{2I}/b} for Gaussians (McAllester and Stratos
 * 2020, "Formal limitations on the measurement of mutual information"; Song and Ermon 2020,
 * "Understanding the limitations of variational MI estimators"). The standard diagnostic of a
 * self-normalised importance-sampling estimate is Kish's effective sample size
 * {@code ESS = (sum w)^2 / sum w^2} (Kish 1965; Owen 2013, "Monte Carlo theory", sec. 9.3): the
 * minibatch gradient averages over about {@code ESS} marginal pairs, whatever {@code b} is.
 *
 * <p><b>Rule.</b> At a validation pass the held-out partition term's Kish ESS over {@code n_val}
 * marginal pairs ({@link BoundStats#marginalEss()}) is scaled to the minibatch:
 * {@code ess_step = ESS_val * b / n_val} (for a fixed critic the ESS is linear in the number of
 * i.i.d. pairs: {@code ESS = n (E w)^2 / E w^2} up to O(1) terms). If {@code ess_step} is below
 * {@link #minEffectivePairs()} the batch doubles for the following segment, capped at
 * {@link #maxBatch()} (and at the training rows, which the caller passes). A rule on a
 * held-out statistic at fixed steps is deterministic for a given seed and partitioning. One
 * doubling per pass keeps the change of the gradient's noise level gradual (the learning rate is
 * not changed).
 *
 * <p>Default threshold {@link #DEFAULT_MIN_EFFECTIVE_PAIRS} = 20 effective marginal pairs per
 * step (the relative standard error of a self-normalised mean over {@code m} effective pairs is
 * about {@code 1/sqrt(m)}: about 22 % at 20). Measured on the held-out rows at 200k rows, batch
 * 1024 (docs/accuracy-diagnosis.md, "Adaptive batch growth"): the 20-d staircase at 2 nats has
 * 36-80 effective pairs per step all through training and never grows (same bits as without
 * growth), binary-tensor never grows, the 3-d gauss-channel (4.16 nats) has ~15 and grows once,
 * the 20-d staircase at 4 and 6 nats has 11-19 and grows to 2048-8192. A threshold of 40 grew
 * the 6-nat run to 8192 by step 750 instead of 2000 without a better estimate (seed 7). Those
 * figures predate the fixed-point-free marginal pairing ({@link PartitionWorker#drawMinibatch},
 * 2026-12-07): the sharper critics since then have fewer effective pairs, so the channel now grows
 * to 4096 and seed 000's 96-position tensors grow from 11 to 44 rows. Measured after the change
 * (docs/accuracy.md, "Fixed points of the marginal pairing"): growth is still worth 0.06-0.08 nats
 * at 4 nats and 0.19 at 6 nats in 20 dimensions, for 2-4 times the time. The default cap is
 * chosen from the input's shape ({@code MineSpec.maxBatchSizeFor}): 2048 up to 16 input
 * dimensions, 4096 above (8192 for all inputs until 2026-12-07).
 */
public final class BatchGrowth {
    /** Default minimum effective marginal pairs per training step. */
    public static final double DEFAULT_MIN_EFFECTIVE_PAIRS = 20.0;

    private final boolean enabled;
    private final double minEffectivePairs;
    private final int maxBatch;

    /**
     * @param enabled           false: {@link #next} always keeps the batch
     * @param minEffectivePairs grow while the per-step effective marginal pairs are below this (&gt; 0)
     * @param maxBatch          the cap of the global batch (&gt;= 1)
     */
    public BatchGrowth(boolean enabled, double minEffectivePairs, int maxBatch) {
        if (!(minEffectivePairs > 0) || Double.isInfinite(minEffectivePairs)) {
            throw new IllegalArgumentException("minEffectivePairs must be finite and > 0, got " + minEffectivePairs);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max-batch-size must be >= 1, got " + maxBatch);
        }
        this.enabled = enabled;
        this.minEffectivePairs = minEffectivePairs;
        this.maxBatch = maxBatch;
    }

    /** Growth off. */
    public static final BatchGrowth OFF = new BatchGrowth(false, DEFAULT_MIN_EFFECTIVE_PAIRS, Integer.MAX_VALUE);

    /**
     * Whether growth applies to a bound: only the self-normalised partition-term bounds
     * ({@code dv}, {@code dv-biased}). SMILE clips the critic inside the partition term, so its
     * weights are bounded by {@code e^{2 tau}} and its ESS does not collapse; InfoNCE's softmax is
     * over the K pairs of a group, not the batch (its bound is capped at ln K, the batch does not
     * help it); NWJ's partition term {@code E_Q[e^{T-1}]} is not self-normalised and its held-out
     * stats track no ESS.
     */
    public static boolean appliesTo(String boundName) {
        return "dv".equals(boundName) || "dv-biased".equals(boundName);
    }

    /** Effective marginal pairs per step of a batch of {@code batch}: {@code ess * batch / nVal}. */
    public static double effectivePairsPerStep(double validationEss, long nValidation, int batch) {
        if (nValidation <= 0 || !(validationEss >= 0)) {
            return Double.NaN;
        }
        return validationEss * batch / nValidation;
    }

    /**
     * The batch of the next segment: {@code min(2 batch, cap, limit)} when growth is on and the
     * effective marginal pairs per step ({@link #effectivePairsPerStep}) are below the threshold,
     * else {@code batch}. A NaN ESS (no validation, or a bound without one) keeps the batch.
     *
     * @param limit a further cap from the data (the training rows that can hold the batch)
     */
    public int next(int batch, double validationEss, long nValidation, int limit) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (!enabled) {
            return batch;
        }
        double perStep = effectivePairsPerStep(validationEss, nValidation, batch);
        if (!(perStep < minEffectivePairs)) {
            return batch;
        }
        long grown = Math.min(2L * batch, Math.min((long) maxBatch, (long) limit));
        return (int) Math.max(batch, grown);
    }

    public boolean enabled() {
        return enabled;
    }

    public double minEffectivePairs() {
        return minEffectivePairs;
    }

    public int maxBatch() {
        return maxBatch;
    }
}
