package org.minespark.spark;

import java.util.List;

/**
 * What the engine runs: the selected rows' layout, the pairs (each an x and a y side given as
 * dimensions of the wide row) and the critic of each. An estimate is a plan with one pair (and
 * optionally tensor positions); {@code pairs} is a plan with many.
 *
 * @param layout    how a selected row is read into the wide row
 * @param pairs     the pairs, in result order
 * @param positions positions of tensor rows (1: plain rows); more than 1 only for one-pair plans (and the
 *                  pair's replicates)
 */
record Plan(RowLayout layout, List<Pair> pairs, int positions) {

    /**
     * One pair: its name for messages and results, its sides' names, the wide-row dimensions
     * of each side (for tensor rows: all positions, position-major), and which replicate of the
     * pair's critic this is (0: the pair's own; r &gt; 0: another critic of the same pair with its own
     * initial weights and minibatch streams, for the interval that includes training variability).
     */
    record Pair(String name, String x, String y, int[] xDims, int[] yDims, int replicate) {
        Pair(String name, String x, String y, int[] xDims, int[] yDims) {
            this(name, x, y, xDims, yDims, 0);
        }

        /** Replicate {@code r} of this pair. */
        Pair replicate(int r) {
            return new Pair(name, x, y, xDims, yDims, r);
        }
    }

    Plan {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one pair");
        }
        Pair first = pairs.get(0);
        if (positions > 1 && pairs.stream().anyMatch(p -> !java.util.Arrays.equals(p.xDims(), first.xDims())
                || !java.util.Arrays.equals(p.yDims(), first.yDims()))) {
            throw new IllegalArgumentException("tensor positions need a plan with one pair (and its replicates), got "
                    + pairs.size() + " pairs");
        }
        pairs = List.copyOf(pairs);
    }

    int size() {
        return pairs.size();
    }

    int[][] xDims() {
        return pairs.stream().map(Pair::xDims).toArray(int[][]::new);
    }

    int[][] yDims() {
        return pairs.stream().map(Pair::yDims).toArray(int[][]::new);
    }
}
