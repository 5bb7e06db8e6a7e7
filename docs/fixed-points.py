#!/usr/bin/env python3
"""The DV bound of the best critic when a share f of the "marginal" pairs are joint pairs.

A uniform random permutation of a minibatch of b rows has one fixed point in expectation, so a
share f = 1/b of the marginal sample (x_r, y_perm(r)) is really (x_r, y_r), drawn from P. The
contaminated DV objective E_P[T] - ln((1 - f) E_Q[e^T] + f E_P[e^T]) is maximised by
T = ln(r / ((1 - f) + f r)) + c, r = p(x,y) / (p(x) p(y)) (the DV optimum for the mixture
(1 - f) Q + f P in place of Q). This prints the true DV bound of that critic,
E_P[T] - ln E_Q[e^T], against the truth. E_Q[e^T] = E_P[e^T / r] = E_P[1 / ((1 - f) + f r)] is
bounded, so a P-sample estimates it with little noise. Used in docs/accuracy.md, "Fixed points of
the marginal pairing". Needs numpy (Debian: python3-numpy); not part of the build.
"""
import math

import numpy as np


def gaussian(d, mi, f, n=1_000_000, seed=0):
    """d coordinates with the same correlation, total MI mi nats (the corr-gaussian task)."""
    rng = np.random.default_rng(seed)
    rho = math.sqrt(1 - math.exp(-2 * mi / d))
    x = rng.standard_normal((n, d))
    y = rho * x + math.sqrt(1 - rho * rho) * rng.standard_normal((n, d))
    log_r = np.sum(-0.5 * math.log(1 - rho * rho)
                   - (rho * rho * (x * x + y * y) - 2 * rho * x * y) / (2 * (1 - rho * rho)), axis=1)
    t = log_r - np.log((1 - f) + f * np.exp(log_r))
    return float(t.mean() - math.log(np.mean(1 / ((1 - f) + f * np.exp(log_r)))))


def binary_tensor(f, width=7):
    """x uniform on {-1,1}^w, y = x + s (seed 000's 7-vectors): exact sums over the count k of
    coordinates with |y| = 2 (r = 2^k under P; under Q a coordinate has r = 2, 1, 0 with
    probabilities 1/4, 1/2, 1/4, and r = 0 contributes e^T = 0)."""
    e_t = sum(math.comb(width, k) * 0.5 ** width * math.log(2 ** k / ((1 - f) + f * 2 ** k))
              for k in range(width + 1))
    e_exp = sum(math.comb(width, k) * 0.25 ** k * 0.5 ** (width - k) * 2 ** k / ((1 - f) + f * 2 ** k)
                for k in range(width + 1))
    return e_t - math.log(e_exp)


if __name__ == "__main__":
    shares = [0, 1 / 4096, 1 / 2048, 1 / 1024, 1 / 512, 1 / 100]
    print("| task | truth | " + " | ".join("f = 0" if f == 0 else f"f = 1/{round(1 / f)}" for f in shares) + " |")
    print("|---|---:|" + "---:|" * len(shares))
    for name, d, mi in [("corr-gaussian:2 (20-d)", 20, 2.0), ("corr-gaussian:4 (20-d)", 20, 4.0),
                        ("gauss-channel (3-d, the demo)", 3, 3 * 0.5 * math.log(16)),
                        ("corr-gaussian:6 (20-d)", 20, 6.0), ("corr-gaussian:8 (20-d)", 20, 8.0)]:
        print(f"| {name} | {mi:.3f} | " + " | ".join(f"{gaussian(d, mi, f):.3f}" for f in shares) + " |")
    tensor = [0, 1 / 86, 1 / 43, 1 / 11, 1 / 6, 1 / 5]
    print()
    print("| binary tensor 7-vector, truth 2.426 | " + " | ".join(
        "f = 0" if f == 0 else f"f = 1/{round(1 / f)}" for f in tensor) + " |")
    print("|---|" + "---:|" * len(tensor))
    print("| DV of the best contaminated critic | " + " | ".join(f"{binary_tensor(f):.3f}" for f in tensor) + " |")
