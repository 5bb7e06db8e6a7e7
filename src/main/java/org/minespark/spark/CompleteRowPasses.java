package org.minespark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.minespark.spec.MineSpec;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsProgressListener;
import org.minespark.spec.PairsSpec;
import org.minespark.spec.PlugIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pairs of a {@code pairs} run with a missing value, trained apart on their complete rows
 * ({@link #run}), and the verdict on a pair whose complete rows are too few ({@link #tooFew}).
 */
final class CompleteRowPasses {
    private static final Logger LOG = LoggerFactory.getLogger(CompleteRowPasses.class);

    private CompleteRowPasses() {
    }

    /**
     * Why a pair has too few complete rows to be trained and evaluated (fewer than
     * {@link MineSpec#MIN_ROWS}, or fewer expected training rows than {@code --batch-size}), or null.
     */
    static String tooFew(Plan.Pair p, long complete, long rows, MineSpec spec) {
        double expectedTrain = complete * (1 - spec.evalFraction());
        if (complete >= MineSpec.MIN_ROWS && expectedTrain >= spec.batchSize()) {
            return null;
        }
        return tooFewMessage(p, complete, rows) + "; at least " + MineSpec.MIN_ROWS + " are needed, and about "
                + (long) Math.ceil(spec.batchSize() / (1 - spec.evalFraction())) + " for --batch-size " + spec.batchSize()
                + " with eval-fraction " + spec.evalFraction() + " held out: no estimate for this pair"
                + " (use a smaller --batch-size, or fill the missing values)";
    }

    private static String tooFewMessage(Plan.Pair p, long complete, long rows) {
        return String.format(Locale.ROOT, "too few complete rows: pair %s has both sides set in only %d of %d rows"
                + " (%.1f %% of the rows have a null, NaN or infinite value in %s or %s)", p.name(), complete, rows,
                rows == 0 ? 0.0 : 100.0 * (rows - complete) / rows, p.x(), p.y());
    }

    /**
     * Trains and evaluates the {@code deferred} pairs (those with a missing value in one of their
     * columns, not screened out) on their complete rows: one engine per set of pairs whose columns
     * with missing values are the same (so their complete rows are the same), over the input
     * filtered to the rows where those columns are set and a listwise layout of the set's columns.
     * Fills their outcomes, usable rows and (without the screen) plug-in estimates; a set whose
     * rows are too few gets a {@link PairResult#FAILED} outcome per pair, naming it.
     */
    static void run(Dataset<Row> data, List<String> columns, java.util.Set<String> withMissing,
                    PairsSpec ps, MineSpec spec, List<List<String>> keptPairs, boolean[] deferred,
                    long[] complete, long rowsRead, Engine.Outcome[] outcomes, PlugIn[] plugIns,
                    long[] usable, PairsProgressListener progress, int doneBefore) {
        Map<List<String>, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int k = 0; k < keptPairs.size(); k++) {
            if (!deferred[k]) {
                continue;
            }
            // the pair's columns with missing values (in run order): pairs with the same ones share their complete rows
            java.util.Set<String> own = new java.util.HashSet<>();
            for (String unit : keptPairs.get(k)) {
                own.addAll(ps.units().get(unit));
            }
            List<String> signature = columns.stream().filter(c -> own.contains(c) && withMissing.contains(c)).toList();
            groups.computeIfAbsent(signature, g -> new ArrayList<>()).add(k);
        }
        int done = doneBefore;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        for (Map.Entry<List<String>, List<Integer>> g : groups.entrySet()) {
            List<Integer> members = g.getValue();
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int k : members) {
                for (String unit : keptPairs.get(k)) {
                    used.addAll(ps.units().get(unit));
                }
            }
            Column where = functions.lit(true);
            for (String c : g.getKey()) {
                where = where.and(functions.col("`" + c.replace("`", "``") + "`").isNotNull());
            }
            Dataset<Row> rows = g.getKey().isEmpty() ? data : data.where(where);
            List<String> groupColumns = columns.stream().filter(used::contains).toList();
            long tg = System.nanoTime();
            try {
                Map.Entry<PairsLayout, Dataset<Row>> created = PairsLayout.create(rows, groupColumns,
                        ps.categoricalTopK(), ps.nullsCategory(), false, spec.seed(), "auto".equals(spec.encoding()));
                PairsRunner.Planned planned = PairsRunner.plan(created.getKey(),
                        members.stream().map(keptPairs::get).toList(), ps, spec);
                try (Engine e = new Engine(jsc, created.getValue().javaRDD(), planned.plan(), spec, planned.shapes())) {
                    Engine.Outcome[] o = e.run(ps.pairsPerPass(),
                            PairsRunner.progress(spec, progress, done, outcomes.length), new String[members.size()]);
                    PlugIn[] p = ps.screen() ? null : e.plugIns();
                    for (int i = 0; i < members.size(); i++) {
                        int k = members.get(i);
                        outcomes[k] = o[i];
                        usable[k] = e.checks().stats().valid();
                        if (p != null) {
                            plugIns[k] = p[i];
                        }
                    }
                }
            } catch (RuntimeException ex) {
                RuntimeException u = MineRunner.unwrap(ex);
                if (!(u instanceof IllegalArgumentException)) {
                    throw u;
                }
                for (int k : members) {
                    Plan.Pair pair = new Plan.Pair(keptPairs.get(k).get(0) + " ~ " + keptPairs.get(k).get(1),
                            keptPairs.get(k).get(0), keptPairs.get(k).get(1), new int[0], new int[0]);
                    outcomes[k] = new Engine.Outcome(PairResult.FAILED, tooFewMessage(pair, complete[k], rowsRead) + ": "
                            + u.getMessage(), null, null, outcomes[k].warnings(), 0);
                }
                LOG.warn("pairs {} on their complete rows: {}", members.size(), u.getMessage());
            }
            done += members.size();
            LOG.info(String.format(Locale.ROOT, "%d pair(s) with missing values in %s trained on their complete rows:"
                    + " %.1f s", members.size(), g.getKey(), (System.nanoTime() - tg) / 1e9));
        }
    }
}
