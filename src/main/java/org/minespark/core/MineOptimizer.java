package org.minespark.core;

/**
 * Driver-side update: turns a merged {@link StepAggregate} into a parameter update for the chosen
 * {@link Bound} (the bound supplies its minibatch value and the gradient of {@code -bound}; the
 * optimiser applies Adam). With the default bound {@code dv}:
 *
 * <p>The DV bound {@code V = E_P[T] - ln E_Q[e^T]} has gradient
 * {@code E_P[grad T] - E_Q[e^T grad T] / E_Q[e^T]}; the minibatch estimate of the denominator makes
 * that gradient biased, so MINE (Belghazi et al. 2018, section 3.2) replaces it with an exponential
 * moving average {@code ma <- (1 - alpha) ma + alpha * mean_batch(e^T)}, kept here in log space.
 * With the aggregate's shift M: {@code E_Q[e^T grad T] / ma = (G_m / n_m) * exp(M - ln ma)}.
 * The step then minimises {@code -V} with Adam (Kingma and Ba 2015). Not thread-safe.
 */
public final class MineOptimizer {
    private final CriticShape shape;
    private final Kernels k;
    private final float[][] params;
    private final float[][] m;
    private final float[][] v;
    private final float[][] grad;
    private final float lr;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float eps = 1e-8f;
    private int t;
    private final Bound bound;
    private final double[] boundState;
    private int decaySteps;
    private double finalFraction = 1.0;
    private int coolDownStart = -1;
    private int coolDownSteps;

    /** The MINE ({@code dv}) optimiser with moving-average factor {@code emaAlpha}. */
    public MineOptimizer(CriticShape shape, float[][] initialParams, double learningRate, double emaAlpha, Kernels kernels) {
        this(shape, initialParams, learningRate, Bound.forName("dv", emaAlpha, Bound.DEFAULT_SMILE_TAU,
                Bound.DEFAULT_INFONCE_K), kernels);
    }

    /** An optimiser of {@code bound} (which also fixes what the workers must compute). */
    public MineOptimizer(CriticShape shape, float[][] initialParams, double learningRate, Bound bound, Kernels kernels) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning-rate must be > 0, got " + learningRate);
        }
        this.bound = java.util.Objects.requireNonNull(bound, "bound");
        this.boundState = bound.newState();
        this.shape = shape;
        this.k = kernels;
        this.params = initialParams;
        this.m = shape.zeros();
        this.v = shape.zeros();
        this.grad = shape.zeros();
        this.lr = (float) learningRate;
    }

    /**
     * Cosine learning-rate decay over {@code steps} updates, from the base rate down to
     * {@code finalFraction} of it: {@code lr_t = lr (f + (1 - f) (1 + cos(pi t / steps)) / 2)}
     * (Loshchilov and Hutter 2017, without restarts). Late in training the critic's parameter noise
     * lowers the bound it attains on held-out data; decaying the rate removes most of it.
     * {@code finalFraction = 1} keeps the rate constant. Returns this.
     */
    public MineOptimizer withCosineDecay(int steps, double finalFraction) {
        if (steps < 1) {
            throw new IllegalArgumentException("decay steps must be >= 1, got " + steps);
        }
        if (!(finalFraction > 0 && finalFraction <= 1)) {
            throw new IllegalArgumentException("lr-final-fraction must be in (0, 1], got " + finalFraction);
        }
        this.decaySteps = steps;
        this.finalFraction = finalFraction;
        return this;
    }

    /**
     * A cool-down ({@link ConvergenceMonitor.Verdict#COOL_DOWN}): from update {@code start} on, the
     * rate falls linearly from the scheduled rate at {@code start} to the final rate
     * ({@code finalFraction} of the base rate) over {@code steps} updates and stays there. A later
     * call replaces an earlier one (a resume restores the cool-down from the monitor's state).
     */
    public void coolDown(int start, int steps) {
        if (start < 0 || steps < 1) {
            throw new IllegalArgumentException("cool-down must start at a step >= 0 and last >= 1 step, got start "
                    + start + ", " + steps + " steps");
        }
        this.coolDownStart = start;
        this.coolDownSteps = steps;
    }

    /** The learning rate the next {@link #step} will use. */
    public double currentLearningRate() {
        if (coolDownStart >= 0 && t >= coolDownStart) {
            double from = scheduled(coolDownStart);
            double progress = Math.min(1.0, (t - coolDownStart) / (double) coolDownSteps);
            return from + (lr * finalFraction - from) * progress;
        }
        return scheduled(t);
    }

    /** The cosine schedule's rate before update {@code step + 1}. */
    private double scheduled(int step) {
        if (decaySteps == 0 || finalFraction == 1.0) {
            return lr;
        }
        double progress = Math.min(1.0, step / (double) decaySteps);
        return lr * (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** The live parameters (updated in place by {@link #step}). */
    public float[][] params() {
        return params;
    }

    public int stepsDone() {
        return t;
    }

    /** Log of the moving average of E_Q[e^T] ({@code dv} only; NaN otherwise or before the first step). */
    public double logMovingAverage() {
        return bound instanceof DonskerVaradhan ? boundState[0] : Double.NaN;
    }

    public Bound bound() {
        return bound;
    }

    /**
     * Applies one update from the merged aggregate of all partitions; returns the minibatch value of
     * the bound (before the update). Throws {@link IllegalStateException} if the aggregate is not
     * finite (the caller decides whether to retry with another learning rate).
     */
    public double step(StepAggregate agg) {
        double dv = bound.value(agg);
        if (!Double.isFinite(dv)) {
            throw new IllegalStateException("training diverged at step " + (t + 1) + ": minibatch estimate is " + dv);
        }
        bound.lossGradient(agg, boundState, grad);
        float rate = (float) currentLearningRate();
        t++;
        float bc1 = (float) (1 - Math.pow(beta1, t));
        float bc2 = (float) (1 - Math.pow(beta2, t));
        for (int i = 0; i < params.length; i++) {
            k.adam(params[i].length, params[i], grad[i], m[i], v[i], rate, beta1, beta2, eps, bc1, bc2);
        }
        return dv;
    }

    /**
     * Gradient of the loss {@code -V} from a merged aggregate, with the marginal denominator
     * {@code E_Q[e^T]} replaced by {@code exp(logDenominator)}: {@code out = G_m exp(M - logDenominator) / n_m - G_j / n_j}.
     * With {@code logDenominator = agg.logMeanExpMarg()} this is the exact minibatch gradient of -DV.
     */
    public static void lossGradient(StepAggregate agg, double logDenominator, float[][] out) {
        double invJ = 1.0 / agg.nJoint;
        double margScale = Math.exp(agg.maxMarg - logDenominator) / agg.nMarg;
        double[] gj = agg.gradJoint;
        double[] gm = agg.gradMarg;
        int o = 0;
        for (float[] g : out) {
            for (int i = 0; i < g.length; i++, o++) {
                g[i] = (float) (gm[o] * margScale - gj[o] * invJ);
            }
        }
    }

    static double logAddExp(double a, double b) {
        double mx = Math.max(a, b);
        if (mx == Double.NEGATIVE_INFINITY) {
            return mx;
        }
        return mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx));
    }

    /** Deep copy of the current parameters (for broadcasting a snapshot). */
    public float[][] snapshot() {
        float[][] c = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            c[i] = params[i].clone();
        }
        return c;
    }

    public CriticShape shape() {
        return shape;
    }

    // checkpoint support (TrainingCheckpoint): the complete mutable state, by reference

    float[][] adamM() {
        return m;
    }

    float[][] adamV() {
        return v;
    }

    double[] boundState() {
        return boundState;
    }

    /** Restores the step counter (the cosine schedule position and Adam's bias corrections follow from it). */
    void restoreStepsDone(int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps done must be >= 0, got " + steps);
        }
        this.t = steps;
    }
}
