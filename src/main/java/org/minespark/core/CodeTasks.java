package org.minespark.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generated tasks whose x is a code: a value that stands for itself (a category id, a string level),
 * with a relation to y that no smooth function of the code's number draws. They check the per-value
 * encoding ({@link ValueEncoding}, {@code --encoding auto}); with truths in nats.
 *
 * <ul>
 *   <li>{@code code-column}: x an integer code uniform on {@code 0..K−1}, {@code y = g[x] + σz}
 *       with {@code g[k]} iid N(0, 1), a jagged lookup table drawn from {@code --param table-seed=S}
 *       (default 1), and z ~ N(0, 1). {@code I = h(Y) − ½ ln(2πeσ²)}, h(Y) of the equal-weight
 *       mixture of the K Gaussians {@code N(g[k], σ²)} by 1-D quadrature
 *       ({@link BeyondNormalTasks#mixtureMi}): exact given g. Defaults {@code K = 1000},
 *       {@code σ = 0.5} (about 0.8 nats); {@code --param symbols=K}, {@code --param sigma=S}.</li>
 *   <li>{@code string-levels}: x uniform on K string levels {@code L000..}, y = x with probability
 *       {@code 1 − p}, else one of the other K − 1 levels uniformly: as {@code discrete-symbols},
 *       {@code I = ln K − H_b(p) − p ln(K − 1)}, written as two string columns. Defaults
 *       {@code K = 200}, {@code p = 0.7} (0.98 nats); {@code --param symbols=K}, {@code --param flip=P}.</li>
 * </ul>
 */
public final class CodeTasks {
    public static final String CODE_COLUMN = "code-column";
    public static final String STRING_LEVELS = "string-levels";
    public static final int DEFAULT_CODES = 1000;
    public static final double DEFAULT_CODE_SIGMA = 0.5;
    public static final int DEFAULT_LEVELS = 200;
    public static final double DEFAULT_LEVEL_FLIP = 0.7;
    /** Most codes of {@code code-column} (its truth's quadrature grows with K). */
    public static final int MAX_CODES = 100_000;
    /** Most levels of {@code string-levels}. */
    public static final int MAX_LEVELS = 100_000;

    private CodeTasks() {
    }

    public static List<String> names() {
        return List.of(CODE_COLUMN, STRING_LEVELS);
    }

    static SyntheticTasks.Task create(String n, TaskOptions o) {
        BeyondNormalTasks.rejectDimY(n, o);
        if (o.dim() != null && o.dim() != 1) {
            throw new IllegalArgumentException("dim: task '" + n + "' has one x and one y column, got --dim " + o.dim());
        }
        if (o.miNats() != null) {
            throw new IllegalArgumentException("mi: task '" + n + "' takes its MI from --param (symbols, "
                    + (CODE_COLUMN.equals(n) ? "sigma, table-seed" : "flip") + "), not --mi");
        }
        Map<String, Double> p = new LinkedHashMap<>();
        if (CODE_COLUMN.equals(n)) {
            BeyondNormalTasks.rejectParams(n, o, List.of("symbols", "sigma", "table-seed"));
            int k = BeyondNormalTasks.intParam(o, "symbols", DEFAULT_CODES, 2, MAX_CODES);
            double sigma = BeyondNormalTasks.param(o, "sigma", DEFAULT_CODE_SIGMA);
            if (!(sigma > 0 && sigma <= 1e4)) {
                throw new IllegalArgumentException("--param sigma must be in (0, 1e4], got " + sigma);
            }
            long tableSeed = BeyondNormalTasks.intParam(o, "table-seed", 1, 0, Integer.MAX_VALUE);
            double[] g = table(k, tableSeed);
            p.put("symbols", (double) k);
            p.put("sigma", sigma);
            p.put("table-seed", (double) tableSeed);
            return new SyntheticTasks.Task(n, 1, 1, codeColumnMi(g, sigma), p, new TaskSamplers.CodeLookup(g, sigma),
                    false);
        }
        BeyondNormalTasks.rejectParams(n, o, List.of("symbols", "flip"));
        int k = BeyondNormalTasks.intParam(o, "symbols", DEFAULT_LEVELS, 2, MAX_LEVELS);
        double flip = BeyondNormalTasks.param(o, "flip", DEFAULT_LEVEL_FLIP);
        if (!(flip >= 0 && flip <= 1)) {
            throw new IllegalArgumentException("--param flip must be in [0, 1], got " + flip);
        }
        p.put("symbols", (double) k);
        p.put("flip", flip);
        return new SyntheticTasks.Task(n, 1, 1, BeyondNormalTasks.noisySymbolsMi(k, flip), p,
                new TaskSamplers.NoisySymbols(k, flip), false).withStringLevels(k);
    }

    /** The lookup table of {@code code-column}: K iid N(0, 1) values from {@code tableSeed}. */
    public static double[] table(int k, long tableSeed) {
        SplittableRandom r = new SplittableRandom(Seeds.derive(tableSeed, 0x434f4445L)); // "CODE"
        double[] g = new double[k];
        for (int i = 0; i < k; i++) {
            g[i] = r.nextGaussian();
        }
        return g;
    }

    /** The MI of {@code code-column}: {@link BeyondNormalTasks#mixtureMi} of the table. */
    public static double codeColumnMi(double[] g, double sigma) {
        return BeyondNormalTasks.mixtureMi(g, sigma);
    }

    /** The string of level {@code i} of {@code k}: {@code L} and i zero-padded to the digits of k − 1 ({@code L017}). */
    public static String level(int i, int k) {
        int digits = Integer.toString(Math.max(1, k - 1)).length();
        String s = Integer.toString(i);
        return "L" + "0".repeat(Math.max(0, digits - s.length())) + s;
    }
}
