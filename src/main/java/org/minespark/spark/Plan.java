package org.minespark.spark;

import java.util.List;

/**
 * What the engine runs: the selected rows' layout, the pairs (each an x and a y side given as
 * dimensions of the wide row) and the critic of each. An estimate is a plan with one pair (and
 * optionally tensor positions); {@code pairs} is a plan with many.
 *
 * @param layout    how a selected row is read into the wide row
 * @param pairs     the pairs, in result order
 * @param positions positions of tensor rows (1: plain rows); more than 1 only for one-pair plans
 */
record Plan(RowLayout layout, List<Pair> pairs, int positions) {

    /**
     * One pair: its name for messages and results, its sides' names, and the wide-row dimensions
     * of each side (for tensor rows: all positions, position-major).
     */
    record Pair(String name, String x, String y, int[] xDims, int[] yDims) {
    }

    Plan {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one pair");
        }
        if (positions > 1 && pairs.size() != 1) {
            throw new IllegalArgumentException("tensor positions need a plan with one pair, got " + pairs.size());
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
