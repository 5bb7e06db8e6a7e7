package org.minespark.core;

/** Shared worker-side arithmetic of the bounds with a (possibly clipped) exponential marginal term. */
final class ExpWeights {
    private ExpWeights() {
    }

    /**
     * With {@code c_r = clip(t_r, -clip, clip)} and {@code m = max_r c_r}: writes
     * {@code w[r] = e^{c_r - m}} for unclipped samples ({@code |t_r| < clip}) and 0 for clipped ones
     * (the clipped function is flat there), puts {@code sum_r e^{c_r - m}} into {@code sumOut[0]} and
     * returns m. With {@code clip = +inf} this is the plain shifted exponential (float32 weights
     * summed in double, as the DV step always did).
     */
    static float weights(float[] t, int n, float[] w, double[] sumOut, float clip) {
        float max = Float.NEGATIVE_INFINITY;
        if (clip == Float.POSITIVE_INFINITY) {
            for (int r = 0; r < n; r++) {
                max = Math.max(max, t[r]);
            }
            double sum = 0;
            for (int r = 0; r < n; r++) {
                float e = (float) Math.exp(t[r] - max);
                w[r] = e;
                sum += e;
            }
            sumOut[0] = sum;
            return max;
        }
        for (int r = 0; r < n; r++) {
            max = Math.max(max, Math.min(Math.max(t[r], -clip), clip));
        }
        double sum = 0;
        for (int r = 0; r < n; r++) {
            float c = Math.min(Math.max(t[r], -clip), clip);
            float e = (float) Math.exp(c - max);
            sum += e;
            w[r] = (t[r] > -clip && t[r] < clip) ? e : 0f;
        }
        sumOut[0] = sum;
        return max;
    }
}
