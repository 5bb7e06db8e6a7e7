package org.minespark.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shape of the critic, one of:
 * <ul>
 * <li>concat (the constructor): {@code T(x, y) = MLP([x, y])}, input width dx + dy, ReLU hidden
 *     layers of the given widths, one linear output;</li>
 * <li>separable ({@link #separable}): {@code T(x, y) = g(x) . h(y)} with g and h MLPs
 *     ({@code dx -> hidden... -> E} and {@code dy -> hidden... -> E}, ReLU hidden layers, linear
 *     output of the embedding size E), as in the separable critics of Poole et al. (2019, "On
 *     Variational Bounds of Mutual Information"): all K x K scores of a group are one GEMM.</li>
 * </ul>
 * Parameters are kept as one float array per tensor in the order W1, b1, W2, b2, ..., W_L, b_L
 * (for the separable critic: g's tensors, then h's) with W_l stored row-major as
 * (in_l x out_l), so a layer is {@code Z = H_{l-1} W_l + b_l}. Immutable.
 *
 * <p><b>Positions</b> ({@link #withPositions}): with {@code P > 1} a data row holds a tensor of
 * {@code P} position vectors, x of shape {@code (P, dx)} and y of shape {@code (P, dy)}, flattened
 * row-major ({@code x[p * dx + j]}, so {@link #xWidth()} {@code = P dx} values per row). The critic
 * above acts on one position at a time, {@code T(x_p, y_p)} with the same weights for every
 * position (the statistics network of seed 000, whose linear layers act on the last tensor axis),
 * and the bounds average T over rows and positions; see {@link PartitionWorker}.
 */
public final class CriticShape implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int dx;
    private final int dy;
    private final int[] widths; // concat: input, hidden..., 1; separable: g's widths
    private final int[] hWidths; // separable: h's widths; null for concat
    private final int positions; // position vectors per row (>= 1); 0 only in instances serialised before it existed
    private final int members; // concat critics averaged ({@link #ensembleOf}); 0 (= 1) in instances serialised before it existed

    /** The concat critic {@code MLP([x, y])}. */
    public CriticShape(int dx, int dy, int[] hidden) {
        this(dx, dy, hidden, 0);
    }

    /**
     * The separable critic {@code g(x) . h(y)} with embedding size {@code embedDim}.
     */
    public static CriticShape separable(int dx, int dy, int[] hidden, int embedDim) {
        if (embedDim < 1) {
            throw new IllegalArgumentException("embed-dim must be >= 1, got " + embedDim);
        }
        return new CriticShape(dx, dy, hidden, embedDim);
    }

    /** The critic of the given type ({@code concat} or {@code separable}; embedDim used by separable). */
    public static CriticShape of(String type, int dx, int dy, int[] hidden, int embedDim) {
        if ("concat".equals(type)) {
            return new CriticShape(dx, dy, hidden);
        }
        if ("separable".equals(type)) {
            return separable(dx, dy, hidden, embedDim);
        }
        throw new IllegalArgumentException("critic type must be concat or separable, got '" + type + "'");
    }

    private CriticShape(CriticShape base, int positions, int members) {
        this.dx = base.dx;
        this.dy = base.dy;
        this.widths = base.widths;
        this.hWidths = base.hWidths;
        this.positions = positions;
        this.members = members;
    }

    private CriticShape(int dx, int dy, int[] hidden, int embedDim) {
        if (dx < 1 || dy < 1) {
            throw new IllegalArgumentException("critic input dims must be >= 1, got dx=" + dx + ", dy=" + dy);
        }
        if (hidden == null || hidden.length == 0) {
            throw new IllegalArgumentException("critic needs at least one hidden layer");
        }
        widths = new int[hidden.length + 2];
        widths[0] = dx + dy;
        for (int i = 0; i < hidden.length; i++) {
            if (hidden[i] < 1) {
                throw new IllegalArgumentException("hidden layer width must be >= 1, got " + Arrays.toString(hidden));
            }
            widths[i + 1] = hidden[i];
        }
        widths[widths.length - 1] = embedDim > 0 ? embedDim : 1;
        if (embedDim > 0) {
            widths[0] = dx;
            hWidths = widths.clone();
            hWidths[0] = dy;
        } else {
            hWidths = null;
        }
        this.dx = dx;
        this.dy = dy;
        this.positions = 1;
        this.members = 1;
    }

    /**
     * The same critic applied to each of {@code positions} position vectors of a row (shared
     * weights): x rows of {@code positions * dx} values, y rows of {@code positions * dy}; 1 is the
     * plain critic of one vector per row.
     */
    public CriticShape withPositions(int positions) {
        if (positions < 1) {
            throw new IllegalArgumentException("positions must be >= 1, got " + positions);
        }
        return new CriticShape(this, positions, members);
    }

    /**
     * The mean of {@code r} concat critics of this shape as one critic,
     * {@code T = (1/r) sum_m T_m}: its parameters are the members' tensors one member after the
     * other ({@link #tensors()} is r times this shape's). Evaluated only ({@link Critic#backward}
     * refuses it): see {@link CriticEnsemble}.
     */
    public CriticShape ensembleOf(int r) {
        requireConcat();
        if (r < 1 || members() != 1) {
            throw new IllegalArgumentException("an ensemble needs r >= 1 members of a single critic, got " + r
                    + " of " + this);
        }
        return new CriticShape(this, positions(), r);
    }

    /** Concat critics averaged by this shape (1: a single critic; see {@link #ensembleOf}). */
    public int members() {
        return Math.max(1, members);
    }

    /** Position vectors per row (1 unless {@link #withPositions} was used). */
    public int positions() {
        return Math.max(1, positions);
    }

    /** Values of x per data row: {@code positions() * dx()}. */
    public int xWidth() {
        return positions() * dx;
    }

    /** Values of y per data row: {@code positions() * dy()}. */
    public int yWidth() {
        return positions() * dy;
    }

    /** Whether this is the separable critic {@code g(x) . h(y)}. */
    public boolean isSeparable() {
        return hWidths != null;
    }

    /** Embedding size E of the separable critic (0 for the concat critic). */
    public int embedDim() {
        return isSeparable() ? widths[widths.length - 1] : 0;
    }

    /** {@code concat} or {@code separable}. */
    public String type() {
        return isSeparable() ? "separable" : "concat";
    }

    /** Layer widths of g (separable) or of the concat MLP. */
    int[] gWidths() {
        return widths.clone();
    }

    /** Layer widths of h (separable only). */
    int[] hWidths() {
        requireSeparable();
        return hWidths.clone();
    }

    /** Number of parameter tensors of g (the first ones); all of them for the concat critic. */
    int gTensors() {
        return 2 * (widths.length - 1);
    }

    private void requireConcat() {
        if (isSeparable()) {
            throw new IllegalStateException("the separable critic has no single MLP; use gWidths()/hWidths()");
        }
    }

    private void requireSeparable() {
        if (!isSeparable()) {
            throw new IllegalStateException("the concat critic has no h network");
        }
    }

    public int dx() {
        return dx;
    }

    public int dy() {
        return dy;
    }

    public int inputDim() {
        return dx + dy;
    }

    /** Number of linear layers (hidden layers + output) of the concat critic. */
    public int layers() {
        requireConcat();
        return widths.length - 1;
    }

    /** Width of layer boundary i of the concat critic: 0 is the input, layers() is the output (1). */
    public int width(int i) {
        requireConcat();
        return widths[i];
    }

    public int maxHiddenWidth() {
        int m = 0;
        for (int i = 1; i < widths.length - 1; i++) {
            m = Math.max(m, widths[i]);
        }
        return m;
    }

    /** Number of tensors: a weight and a bias per layer (of g and h for the separable critic), per member. */
    public int tensors() {
        return members() * (gTensors() + (isSeparable() ? 2 * (hWidths.length - 1) : 0));
    }

    public int tensorSize(int t) {
        t %= tensors() / members();
        int[] w = widths;
        if (t >= gTensors()) {
            w = hWidths;
            t -= gTensors();
        }
        int l = t / 2;
        return (t % 2 == 0) ? w[l] * w[l + 1] : w[l + 1];
    }

    public long numParams() {
        long n = 0;
        for (int t = 0; t < tensors(); t++) {
            n += tensorSize(t);
        }
        return n;
    }

    /** GEMM floating-point operations per joint sample of one training step (forward+backward, joint+marginal). */
    public double flopsPerJointSample() {
        if (isSeparable()) {
            // g and h: one forward and two backward passes (joint and marginal upstreams)
            return mlpFlops(widths, 2) + mlpFlops(hWidths, 2);
        }
        return members() * 2 * mlpFlops(widths, 1); // joint and marginal rows
    }

    private static double mlpFlops(int[] w, int backwards) {
        double f = 0;
        for (int l = 0; l < w.length - 1; l++) {
            double mn = 2.0 * w[l] * w[l + 1];
            f += mn; // forward
            f += backwards * mn; // weight gradient
            if (l > 0) {
                f += backwards * mn; // input gradient
            }
        }
        return f;
    }

    /** Zero tensors of this shape (for gradients and optimiser moments). */
    public float[][] zeros() {
        float[][] p = new float[tensors()][];
        for (int t = 0; t < p.length; t++) {
            p[t] = new float[tensorSize(t)];
        }
        return p;
    }

    /**
     * Initial parameters as PyTorch's {@code nn.Linear} default: weights and biases uniform in
     * (-1/sqrt(fan_in), 1/sqrt(fan_in)), from the given seed.
     */
    public float[][] init(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] p = zeros();
        initMlp(rnd, p, widths, 0);
        if (isSeparable()) {
            initMlp(rnd, p, hWidths, gTensors());
        }
        return p;
    }

    private static void initMlp(SplittableRandom rnd, float[][] p, int[] w, int offset) {
        for (int l = 0; l < w.length - 1; l++) {
            double bound = 1.0 / Math.sqrt(w[l]);
            for (int t = 2 * l; t <= 2 * l + 1; t++) {
                float[] a = p[offset + t];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CriticShape && ((CriticShape) o).dx == dx && ((CriticShape) o).dy == dy
                && Arrays.equals(((CriticShape) o).widths, widths) && Arrays.equals(((CriticShape) o).hWidths, hWidths)
                && ((CriticShape) o).positions() == positions() && ((CriticShape) o).members() == members();
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * dx + dy) + Arrays.hashCode(widths)) + Arrays.hashCode(hWidths) + 977 * (positions() - 1)
                + 7919 * (members() - 1);
    }

    @Override
    public String toString() {
        String at = positions() > 1 ? " shared over " + positions() + " positions" : "";
        if (isSeparable()) {
            return "SeparableCritic(g" + Arrays.toString(widths) + " . h" + Arrays.toString(hWidths) + ")" + at;
        }
        String of = members() > 1 ? "mean of " + members() + " " : "";
        return of + "Critic" + Arrays.toString(widths) + "(dx=" + dx + ", dy=" + dy + ")" + at;
    }
}
