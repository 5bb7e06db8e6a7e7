package org.minespark.spark;

/**
 * The estimate of one pair of a {@code pairs} run.
 *
 * @param pair      {@code x ~ y}
 * @param x         the x column or group name
 * @param y         the y column or group name
 * @param miNats    held-out bound value clipped at 0 (NaN if the pair failed)
 * @param ci95Low   lower end of the delta-method 95% CI, clipped at 0 (NaN if failed)
 * @param ci95High  upper end (NaN if failed)
 * @param n         usable rows of the run (rows with every selected column set)
 * @param nEval     held-out rows the estimate was evaluated on
 * @param steps     training steps done for this pair
 * @param seconds   wall seconds of its pass divided by the pairs in the pass (amortised)
 * @param status    {@code ok}, {@code constant} (a side is constant: MI = 0 exactly, no training)
 *                  or {@code failed}
 * @param message   why it failed, or empty
 * @param significant the raw (unclipped) lower end of the 95% CI is above 0: the held-out bound of
 *                  a fixed critic is at most the MI in expectation, so this is one-sided evidence of
 *                  dependence at about the 2.5% level (delta-method approximation); false for
 *                  constant and failed pairs
 */
public record PairResult(String pair, String x, String y, double miNats, double ci95Low, double ci95High,
                         long n, long nEval, int steps, double seconds, String status, String message,
                         boolean significant) {
    public static final String OK = "ok";
    public static final String CONSTANT = "constant";
    public static final String FAILED = "failed";

    /** The estimate in bits. */
    public double miBits() {
        return miNats / Math.log(2);
    }
}
