package org.minespark.job;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.minespark.api.MutualInformation;
import org.minespark.spec.MineSpec;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;
import org.minespark.spec.PairsResult;
import org.minespark.spec.PairsSpec;

/**
 * One {@code pairs} run end to end: every check that can fail before any work (input, segment
 * column, baseline, results table), the estimates per segment, drift against the baseline, the
 * alerts, then all outputs at once (reports, the run-date partition, the catalog table) and the
 * console summary. Returns {@link ExitCodes#ALERTS} when an alert fired.
 */
final class PairsRun {
    /** What a run needs besides the pairs' settings; {@code input} or {@code table} is null. */
    record Plan(String input, String format, String table, String out, LocalDate date, boolean targetMode, Units units,
                double driftMinNats, Baseline baseline, AlertRules rules, String segmentBy, int segments,
                String resultsTable, int mrmrTop) {
    }

    private PairsRun() {
    }

    static int run(JobContext ctx, SparkSession spark, PairsSpec ps, Plan plan) {
        MineSpec spec = ps.training();
        String source = plan.table() != null ? "--table " + plan.table() : plan.input();
        Dataset<Row> df = plan.table() != null ? CatalogTables.read(spark, plan.table())
                : Jobs.read(spark, plan.input(), plan.format());
        Segments.check(df, plan.segmentBy());
        CatalogTables.checkResults(spark, plan.resultsTable());
        FileSystem fs = OutputDir.fileSystem(plan.out(), spark.sparkContext().hadoopConfiguration());
        Path root = fs.makeQualified(new Path(plan.out()));
        Path table = new Path(root, PairsOutput.TABLE);
        List<ResultsHistory.Row> past = ResultsHistory.read(spark, fs, table, plan.date());
        Baseline baseline = plan.baseline().resolve(past, plan.date(), Jobs.display(table));

        List<SegmentPair> results = new ArrayList<>();
        Map<String, Map<String, String>> skipped = new LinkedHashMap<>();
        List<Segments.Segment> segments = plan.segmentBy() == null ? null
                : Segments.of(df, plan.segmentBy(), plan.segments());
        if (segments == null) {
            PairsResult pr = estimate(ctx, df, ps, source, plan);
            results.addAll(MrmrRanking.rank(ctx, df, ps, pr.pairs().stream().map(r -> new SegmentPair(null, r)).toList(),
                    plan.mrmrTop()));
            skipped.put(null, pr.skippedColumns());
        } else {
            RuntimeException first = null;
            for (Segments.Segment s : segments) {
                ctx.err.println(Main.PROGRAM + ": segment " + plan.segmentBy() + " = " + s.name() + " (" + s.rows() + " rows)");
                try {
                    Dataset<Row> rows = df.where(s.filter());
                    PairsResult pr = estimate(ctx, rows, ps, source, plan);
                    results.addAll(MrmrRanking.rank(ctx, rows, ps, pr.pairs().stream()
                            .map(r -> new SegmentPair(s.name(), r)).toList(), plan.mrmrTop()));
                    skipped.put(s.name(), pr.skippedColumns());
                } catch (IllegalArgumentException e) { // MineInputException too
                    // a segment too small for the settings: its pairs say so, the other segments go on
                    first = first == null ? e : first;
                    String why = "segment " + plan.segmentBy() + " = " + s.name() + " (" + s.rows() + " rows) not analysed: "
                            + e.getMessage();
                    ctx.err.println(Main.PROGRAM + ": warning: " + why);
                    for (List<String> p : ps.pairs()) {
                        results.add(new SegmentPair(s.name(), new PairResult(p.get(0) + " ~ " + p.get(1), p.get(0),
                                p.get(1), Double.NaN, Double.NaN, Double.NaN, MiResult.Significance.NONE, s.rows(), 0, 0, 0,
                                false, false, false, false, 0, PairResult.SKIPPED, why)));
                    }
                }
            }
            if (first != null && skipped.isEmpty()) {
                throw first; // no segment could be analysed (e.g. a missing column): the error, not empty reports
            }
        }
        List<Baseline.Drift> drift = baseline.drift(results, plan.driftMinNats());
        List<AlertRules.Alert> alerts = plan.rules().fire(results, skipped, baseline, plan.driftMinNats());
        Map<String, Object> run = runInfo(ps, plan, source, baseline, results, drift, alerts, skipped);
        String reports = new Path(new Path(root, PairsOutput.REPORTS), PairsOutput.PARTITION + plan.date()).toString();
        List<Row> rows = results.stream().map(PairsOutput::toRow).toList();
        try (OutputDir dir = OutputDir.begin(fs, reports, true, "--out")) {
            dir.writeText("pairs.csv", PairsOutput.csv(results));
            dir.writeText("pairs.json", PairsOutput.json(results, plan.date().toString(), run));
            dir.writeText("drift.csv", PairsOutput.driftCsv(drift));
            dir.writeText("alerts.json", JsonWriter.toJson(Map.of("run_date", plan.date().toString(),
                    "alerts", alerts.stream().map(AlertRules.Alert::toMap).toList())));
            writeCharts(dir, ps, plan, results);
            dir.writeText("report.html", HtmlReport.render(reportPayload(ps, plan, run, results, past, drift, alerts)));
            if (plan.resultsTable() != null) {
                CatalogTables.write(spark, plan.resultsTable(), plan.date(), rows);
            }
            PairsOutput.writePartition(spark, fs, table, plan.date(), rows);
            dir.commit();
        }
        summary(ctx, ps, plan, results, skipped, baseline, drift, alerts);
        ctx.out.println("results: " + Jobs.display(table) + " (run_date=" + plan.date() + ")"
                + (plan.resultsTable() != null ? " and table " + plan.resultsTable() : "") + ", reports: "
                + Jobs.display(new Path(reports)));
        return alerts.isEmpty() ? ExitCodes.OK : ExitCodes.ALERTS;
    }

    private static PairsResult estimate(JobContext ctx, Dataset<Row> df, PairsSpec ps, String source, Plan plan) {
        try {
            // the CLI is built on the Java API's pairs facade; progress goes to the log (and a bar on a terminal)
            return MutualInformation.pairs(df, ps, ConsoleProgress.forPairs(ctx.err, ps.training().logEvery()));
        } catch (RuntimeException e) {
            throw Jobs.readFailure(e, source, plan.format());
        }
    }

    /** pairs.png per segment: the heatmap (all pairs) or the ranked bars (targets); pairs.png is the first segment's. */
    private static void writeCharts(OutputDir dir, PairsSpec ps, Plan plan, List<SegmentPair> results) {
        List<String> segs = results.stream().map(SegmentPair::segment).distinct().toList();
        for (int i = 0; i < segs.size(); i++) {
            String s = segs.get(i);
            List<PairResult> rs = results.stream().filter(r -> java.util.Objects.equals(r.segment(), s))
                    .map(SegmentPair::result).toList();
            byte[] png = plan.targetMode() ? PairsOutput.ranked(rs) : PairsOutput.heatmap(rs, new ArrayList<>(ps.units().keySet()));
            if (i == 0) {
                dir.writeBytes("pairs.png", png);
            }
            if (s != null) {
                dir.writeBytes("pairs.segment-" + (i + 1) + ".png", png);
            }
        }
    }

    /** The data of report.html (HtmlReport's payload): this run, every earlier run's pairs, drift and alerts. */
    static Map<String, Object> reportPayload(PairsSpec ps, Plan plan, Map<String, Object> run, List<SegmentPair> results,
                                             List<ResultsHistory.Row> past, List<Baseline.Drift> drift,
                                             List<AlertRules.Alert> alerts) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("run_date", plan.date().toString());
        p.put("run", run);
        p.put("units", new ArrayList<>(ps.units().keySet()));
        p.put("segments", results.stream().map(SegmentPair::segment).distinct().toList());
        p.put("pairs", results.stream().map(PairsOutput::map).toList());
        List<Map<String, Object>> history = new ArrayList<>();
        for (ResultsHistory.Row r : past) {
            history.add(historyRow(r.date().toString(), r.segment(), r.pair(), r.mi(), r.low(), r.high(), r.rhoI(),
                    r.dependent(), r.status()));
        }
        for (SegmentPair sp : results) {
            PairResult r = sp.result();
            double[] e = Baseline.estimate(r);
            history.add(historyRow(plan.date().toString(), sp.segment(), r.pair(), e == null ? Double.NaN : e[0],
                    e == null ? Double.NaN : e[1], e == null ? Double.NaN : e[2], MiResult.linfoot(r.miNats()),
                    r.dependent(), r.status()));
        }
        p.put("history", history);
        p.put("drift", drift.stream().map(PairsOutput::driftRow).toList());
        p.put("alerts", alerts.stream().map(AlertRules.Alert::toMap).toList());
        return p;
    }

    private static Map<String, Object> historyRow(String date, String segment, String pair, double mi, double low,
                                                  double high, double rho, boolean dependent, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_date", date);
        m.put("segment", segment);
        m.put("pair", pair);
        m.put("mi_nats", mi);
        m.put("ci95_low_nats", low);
        m.put("ci95_high_nats", high);
        m.put("rho_i", rho);
        m.put("dependent", dependent);
        m.put("status", status);
        return m;
    }

    private static Map<String, Object> runInfo(PairsSpec ps, Plan plan, String source, Baseline baseline,
                                               List<SegmentPair> results, List<Baseline.Drift> drift,
                                               List<AlertRules.Alert> alerts, Map<String, Map<String, String>> skipped) {
        MineSpec spec = ps.training();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("input", source);
        run.put("mode", plan.targetMode() ? "target" : "all-pairs");
        run.put("segment_by", plan.segmentBy());
        List<String> segs = results.stream().map(SegmentPair::segment).distinct().toList();
        run.put("segments", segs);
        run.put("baseline", plan.baseline().text());
        run.put("baseline_runs", baseline.dates().stream().map(LocalDate::toString).toList());
        run.put("previous_run_date", baseline.present() ? baseline.dates().get(0).toString() : null);
        run.put("drifted_pairs", drift.size());
        run.put("drift_min_nats", plan.driftMinNats());
        run.put("alerts", alerts.size());
        run.put("alert_rules", plan.rules().rules().stream().map(AlertRules.Rule::name).toList());
        run.put("steps", spec.steps());
        run.put("batch_size", spec.batchSize());
        run.put("hidden", ps.hidden());
        run.put("bound", spec.bound());
        run.put("seed", spec.seed());
        run.put("permutations", spec.permutations());
        run.put("significance_level", spec.significanceLevel());
        run.put("correction", ps.correction());
        run.put("screen", ps.screen() ? "on" : "off");
        run.put("screen_alpha", ps.screenAlpha());
        run.put("train_top", ps.trainTop());
        run.put("mrmr_top", plan.mrmrTop());
        run.put("screened_out", results.stream().filter(r -> PairResult.SCREENED.equals(r.result().status())).count());
        Map<String, Object> sk = new LinkedHashMap<>();
        skipped.forEach((s, m) -> sk.put(s == null ? "" : s, m));
        run.put("skipped_columns", segs.size() == 1 && segs.get(0) == null ? skipped.get(null) : sk);
        run.put("nulls", ps.nullsCategory() ? "category" : "drop");
        run.put("family", PairsOutput.family(results));
        run.put("eval_every", spec.evalEvery());
        run.put("patience", spec.patience());
        run.put("min_delta", spec.minDelta());
        return run;
    }

    private static void summary(JobContext ctx, PairsSpec ps, Plan plan, List<SegmentPair> results,
                                Map<String, Map<String, String>> skipped, Baseline baseline, List<Baseline.Drift> drift,
                                List<AlertRules.Alert> alerts) {
        skipped.forEach((s, m) -> m.forEach((c, why) -> // one line per skipped column, not per pair: its pairs' rows say it too
                ctx.err.println(Main.PROGRAM + ": warning: " + (s == null ? "" : "segment " + s + ": ") + "column " + c
                        + ": " + why)));
        for (SegmentPair sp : results) {
            PairResult r = sp.result();
            if (!List.of(PairResult.OK, PairResult.CONSTANT, PairResult.SCREENED, PairResult.SKIPPED).contains(r.status())) {
                // no estimate for this pair: say why on stderr too, as estimate does for its one pair
                ctx.err.println(Main.PROGRAM + ": warning: " + prefix(sp) + r.pair() + ": " + r.message());
            }
        }
        List<SegmentPair> ranked = new ArrayList<>(results);
        ranked.sort(Comparator.comparingDouble((SegmentPair r) -> Double.isNaN(r.result().miNats()) ? -1
                : r.result().miNats()).reversed());
        for (SegmentPair sp : ranked) {
            PairResult r = sp.result();
            String flags = !PairResult.OK.equals(r.status()) ? r.status() + ": " + r.message()
                    : r.significance().describe() + (r.converged() ? ", converged" : "")
                    + (r.stillIncreasing() ? ", still increasing" : "") + (r.retried() ? ", retried at lr/10" : "");
            ctx.out.println(prefix(sp) + PairsCommand.summaryLine(r, flags, plan.units()));
        }
        ctx.out.println("multiple testing: " + PairsSettings.correctionName(ps.correction()) + " over the family of "
                + PairsOutput.family(results) + "; dependent means an adjusted p-value <= "
                + ps.training().significanceLevel());
        if (baseline.present()) {
            ctx.out.println(String.format(Locale.ROOT, "%d pair(s) drifted since %s (beyond both 95%% intervals and by >= %s %s)",
                    drift.size(), baseline.label(), PairsOutput.num(plan.units().fromNats(plan.driftMinNats())),
                    plan.units().label()));
        }
        for (AlertRules.Alert a : alerts) {
            ctx.out.println("ALERT " + a.rule() + ": " + (a.segment() == null ? "" : "segment " + a.segment() + ": ")
                    + a.message());
        }
        if (!plan.rules().rules().isEmpty()) {
            ctx.out.println(alerts.size() + " alert(s) fired of " + plan.rules().rules().size() + " rule(s)"
                    + (alerts.isEmpty() ? "" : "; exit code " + ExitCodes.ALERTS));
        }
    }

    private static String prefix(SegmentPair sp) {
        return sp.segment() == null ? "" : "[" + sp.segment() + "] ";
    }
}
