package org.minespark.core;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * How the synthetic tasks draw their rows: one immutable, serialisable (and so thread-safe) sampler
 * per distribution, composed where a task is a map of another (cubic, half-cube, asinh, spiral). Each
 * sampler fills the caller's {@code x} and {@code y} arrays from the row's own random stream and
 * allocates nothing. The maths (and why each map leaves the MI unchanged) is in
 * {@link SyntheticTasks} and {@link BeyondNormalTasks}.
 */
final class TaskSamplers {
    private TaskSamplers() {
    }

    /** Standard normal variates by Marsaglia's polar method (see {@link SyntheticTasks#fillGaussian}). */
    static void gaussians(SplittableRandom rng, double[] out) {
        int i = 0;
        while (i < out.length) {
            double u;
            double v;
            double s;
            do {
                u = 2.0 * rng.nextDouble() - 1.0;
                v = 2.0 * rng.nextDouble() - 1.0;
                s = u * u + v * v;
            } while (s >= 1.0 || s == 0.0);
            double f = Math.sqrt(-2.0 * Math.log(s) / s);
            out[i++] = u * f;
            if (i < out.length) {
                out[i++] = v * f;
            }
        }
    }

    /** Draws one (x, y) row into arrays of the task's dimensions. */
    interface Sampler extends Serializable {
        void fill(SplittableRandom rng, double[] x, double[] y);
    }

    /**
     * {@code x = a·z₁}, {@code y_j = b·x_j + c·z₂_j} for {@code j < min(dx, dy)}; further coordinates of
     * {@code y} are {@code z₂_j} alone (z₁, z₂ standard normal vectors, drawn in that order).
     */
    record LinearGaussian(double xScale, double yFromX, double yNoise) implements Sampler {
        /** The identity-block pair: unit variances, {@code corr(x_j, y_j) = ρ} for {@code j < min(dx, dy)}. */
        static LinearGaussian correlated(double rho) {
            return new LinearGaussian(1.0, rho, Math.sqrt((1.0 - rho) * (1.0 + rho)));
        }

        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            gaussians(rng, x);
            gaussians(rng, y);
            int k = Math.min(x.length, y.length);
            for (int j = 0; j < x.length; j++) {
                double xj = xScale * x[j];
                x[j] = xj;
                if (j < k) {
                    y[j] = yFromX * xj + yNoise * y[j];
                }
            }
        }
    }

    /** {@code x ~ U(0,1)^d}, {@code y = x + U(−ε, ε)^d}. */
    record UniformNoise(double epsilon) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            for (int j = 0; j < x.length; j++) {
                double xj = rng.nextDouble();
                x[j] = xj;
                y[j] = xj + epsilon * (2.0 * rng.nextDouble() - 1.0);
            }
        }
    }

    /** {@code x, s} uniform on {@code {−1, 1}^d}, {@code y = x + s}. */
    record BinarySigns() implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            for (int j = 0; j < x.length; j++) {
                double xj = rng.nextBoolean() ? 1.0 : -1.0;
                x[j] = xj;
                y[j] = xj + (rng.nextBoolean() ? 1.0 : -1.0);
            }
        }
    }

    /** A strictly increasing map of the real line, applied coordinate-wise (so a bijection of R^d). */
    enum CoordinateMap {
        IDENTITY, CUBE, HALF_CUBE, ASINH;

        double apply(double v) {
            switch (this) {
                case CUBE:
                    return v * v * v;
                case HALF_CUBE:
                    return v * Math.sqrt(Math.abs(v));
                case ASINH:
                    return SpecialFunctions.asinh(v);
                default:
                    return v;
            }
        }

        void applyAll(double[] v) {
            if (this != IDENTITY) {
                for (int j = 0; j < v.length; j++) {
                    v[j] = apply(v[j]);
                }
            }
        }
    }

    /** The base sampler's row with {@code mapX} applied to every coordinate of x and {@code mapY} to y. */
    record Mapped(Sampler base, CoordinateMap mapX, CoordinateMap mapY) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            base.fill(rng, x, y);
            mapX.applyAll(x);
            mapY.applyAll(y);
        }
    }

    /**
     * Multivariate Student-t with {@code dof} degrees of freedom: the base Gaussian row divided by
     * {@code √(W/ν)}, one {@code W ~ χ²_ν} per row shared by x and y (drawn after the Gaussian).
     */
    record StudentT(Sampler gaussian, int dof) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            gaussian.fill(rng, x, y);
            double w;
            do {
                w = chiSquare(rng, dof); // 0 only with probability ~2^-53: draw again rather than divide by 0
            } while (w == 0.0);
            double s = Math.sqrt(dof / w);
            for (int j = 0; j < x.length; j++) {
                x[j] *= s;
            }
            for (int j = 0; j < y.length; j++) {
                y[j] *= s;
            }
        }

        /**
         * {@code W ~ χ²_n} as a sum of independent parts: {@code −2 ln U ~ χ²₂} (the squared radius of a
         * Box–Muller pair) for each pair, and for odd {@code n} one {@code z² = −2 ln U₁·cos²(2πU₂) ~ χ²₁};
         * {@code U = 1 − nextDouble() ∈ (0, 1]}, so the logarithm is finite.
         */
        static double chiSquare(SplittableRandom rng, int n) {
            double sum = 0.0;
            for (int i = 0; i + 1 < n; i += 2) {
                sum -= 2.0 * Math.log(1.0 - rng.nextDouble());
            }
            if (n % 2 == 1) {
                double c = Math.cos(2.0 * Math.PI * rng.nextDouble());
                sum -= 2.0 * Math.log(1.0 - rng.nextDouble()) * c * c;
            }
            return sum;
        }
    }

    /**
     * The bmi spiral: {@code v ↦ R(θ)·v} with {@code R(θ)} the rotation by {@code θ = (speed/d)·‖v‖²}
     * in the plane of coordinates {@code (i, i+1)}: x in the plane (0, 1), y in (1, 2) when
     * {@code dy ≥ 3}, else (0, 1) (as bmi's {@code transform_spiral_task} with {@code normalize_speed}).
     * A rotation keeps ‖v‖, so {@code R(−(speed/d)·‖w‖²)·w} undoes it: a diffeomorphism.
     */
    record Spiral(Sampler base, double speed) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            base.fill(rng, x, y);
            rotate(x, 0, speed);
            rotate(y, y.length >= 3 ? 1 : 0, speed);
        }

        /** Rotates {@code v} in the plane (i, i+1) by {@code (speed / v.length)·‖v‖²}; a negative speed undoes it. */
        static void rotate(double[] v, int i, double speed) {
            double n2 = 0.0;
            for (double e : v) {
                n2 += e * e;
            }
            double theta = speed / v.length * n2;
            double c = Math.cos(theta);
            double s = Math.sin(theta);
            double a = v[i];
            double b = v[i + 1];
            v[i] = c * a - s * b;
            v[i + 1] = s * a + c * b;
        }
    }

    /**
     * The bmi swiss roll: a bivariate normal pair (correlation ρ) drawn into {@code x[0..1]}; then
     * {@code u = Φ(x)}, {@code t = 1.5π(1 + 2u)} and {@code x = (t cos t, t sin t)/21}, {@code y} the
     * second normal. The radius {@code t/21} grows strictly with u, so the embedding is injective.
     */
    record SwissRoll(double rho) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            gaussians(rng, x);
            double g = x[0];
            y[0] = rho * g + Math.sqrt((1.0 - rho) * (1.0 + rho)) * x[1];
            double t = 1.5 * Math.PI * (1.0 + 2.0 * SpecialFunctions.normalCdf(g));
            x[0] = t * Math.cos(t) / 21.0;
            x[1] = t * Math.sin(t) / 21.0;
        }
    }

    /**
     * Per coordinate, {@code x} uniform on the codes {@code 0..K−1}; {@code y = x} with probability
     * {@code 1 − p}, else one of the other {@code K − 1} codes uniformly.
     */
    record NoisySymbols(int symbols, double flip) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            for (int j = 0; j < x.length; j++) {
                int xj = rng.nextInt(symbols);
                int yj = xj;
                if (rng.nextDouble() < flip) {
                    yj = (xj + 1 + rng.nextInt(symbols - 1)) % symbols;
                }
                x[j] = xj;
                y[j] = yj;
            }
        }
    }

    /** Per coordinate, {@code x} uniform on the codes {@code 0..K−1} and {@code y = x + σ·z}, z standard normal. */
    record SymbolsInNoise(int symbols, double sigma) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            gaussians(rng, y);
            for (int j = 0; j < x.length; j++) {
                int xj = rng.nextInt(symbols);
                x[j] = xj;
                y[j] = xj + sigma * y[j];
            }
        }
    }

    /** {@code x} uniform on the codes {@code 0..K−1} and {@code y = g[x] + σ·z}, z standard normal (task {@code code-column}). */
    record CodeLookup(double[] table, double sigma) implements Sampler {
        @Override
        public void fill(SplittableRandom rng, double[] x, double[] y) {
            gaussians(rng, y);
            for (int j = 0; j < x.length; j++) {
                int xj = rng.nextInt(table.length);
                x[j] = xj;
                y[j] = table[xj] + sigma * y[j];
            }
        }
    }
}
