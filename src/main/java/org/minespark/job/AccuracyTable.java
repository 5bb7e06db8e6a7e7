package org.minespark.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.minespark.core.SyntheticTasks;
import org.minespark.spec.MiResult;

/**
 * The rows of {@code accuracy} and their two renderings: a markdown table (for {@code docs/accuracy.md})
 * and JSON (the same rows, machine-readable). Both files are written to a temporary file in the
 * target's directory and then moved over the target, so a reader never sees a half-written table.
 */
final class AccuracyTable {
    /** Result keys looked up as flags when the estimator provides them. */
    static final List<String> FLAG_KEYS = List.of("converged", "diverged", "still_increasing", "near_estimator_limit",
            "dependent");

    static final String HEADER = "| task | truth (nats) | bound | estimate (nats) | CI95 (nats) | rel. error "
            + "| CI covers truth | p-value | flags / status | seconds |";
    /** {@link #HEADER} with a seed column after the bound, for a run over several seeds. */
    static final String HEADER_SEEDS = HEADER.replace("| bound |", "| bound | seed |");
    /** The flag of a result near what the held-out estimator can measure (its CI may be one-sided). */
    static final String NEAR_LIMIT = "near_estimator_limit";

    private AccuracyTable() {
    }

    /**
     * One run.
     *
     * @param seed     the data seed and the training seed of the run
     * @param ci95High the upper end of the CI; +∞ (or NaN in a run that did not fail) when it is one-sided
     * @param relError {@code (estimate − truth) / truth}, NaN when the truth is 0 or the run failed
     * @param pValue   the result's {@code p_value} when it has one, else null
     * @param flags    the result's flags: the boolean keys {@link #FLAG_KEYS} that are present
     *                 (those set, e.g. {@code converged}; {@code dependent} / {@code not dependent} either way) and the entries of a {@code flags}
     *                 key (a list of names, or the names mapped to true)
     * @param error    the failure message of a failed run, else null
     */
    record Entry(String task, double truthNats, String bound, long seed, String reportedBound, double miNats,
                 double ci95Low, double ci95High, double relError, Double pValue, List<String> flags,
                 String status, List<String> warnings, double seconds, String error) {

        static Entry of(String task, double truth, String bound, long seed, MiResult r, double seconds) {
            Map<String, Object> m = r.toMap();
            Object p = m.get("p_value");
            Double pValue = p instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
            List<String> flags = new ArrayList<>();
            for (String k : FLAG_KEYS) {
                Object v = m.get(k);
                if (v instanceof Boolean b && (b || k.equals("dependent"))) {
                    // the flags that are set; "dependent" is shown either way (the test's verdict)
                    flags.add(b ? k : "not " + k);
                }
            }
            Object f = m.get("flags"); // a list of flag names or a map of name -> boolean, if the result has one
            if (f instanceof java.util.Collection<?> c) {
                c.forEach(x -> flags.add(String.valueOf(x)));
            } else if (f instanceof Map<?, ?> fm) {
                fm.forEach((k, v) -> {
                    if (Boolean.TRUE.equals(v)) {
                        flags.add(String.valueOf(k));
                    }
                });
            }
            double rel = truth > 0 ? (r.miNats() - truth) / truth : Double.NaN;
            return new Entry(task, truth, bound, seed, r.bound(), r.miNats(), r.ci95LowNats(), r.ci95HighNats(), rel,
                    pValue, List.copyOf(flags), r.status(), r.warnings(), seconds, null);
        }

        static Entry failed(String task, double truth, String bound, long seed, String message, double seconds) {
            return new Entry(task, truth, bound, seed, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null,
                    List.of(), "error", List.of(), seconds, message);
        }

        /**
         * True when the 95% CI contains the truth (an unbounded upper end: when the truth is at least
         * the lower end, {@link AccuracySummary#covers}); null for a failed run.
         */
        Boolean ciCoversTruth() {
            return error != null ? null : AccuracySummary.covers(truthNats, ci95Low, ci95High);
        }

        /** Flagged: near the estimator's limit, or a status other than ok (a failed run included). */
        boolean flagged() {
            return error != null || !MiResult.STATUS_OK.equals(status) || flags.contains(NEAR_LIMIT);
        }

        /** {@code 4.101 nats [4.05, 4.15] vs truth 4.159} or {@code error: ...}, for progress lines. */
        String shortResult() {
            if (error != null) {
                return "error: " + error;
            }
            return String.format(Locale.ROOT, "%.3f nats, CI95 %s, truth %.3f", miNats, interval(ci95Low, ci95High), truthNats);
        }

        /** The flags / status cell: status, the flags, a bound mismatch, the warning count or the error. */
        String statusCell() {
            if (error != null) {
                return "error: " + error;
            }
            List<String> parts = new ArrayList<>();
            parts.add(status);
            parts.addAll(flags);
            if (reportedBound != null && !reportedBound.equals(bound)) {
                parts.add("reported bound " + reportedBound);
            }
            if (!warnings.isEmpty()) {
                parts.add(warnings.size() + (warnings.size() == 1 ? " warning" : " warnings"));
            }
            return String.join(", ", parts);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", task);
            m.put("truth_nats", truthNats);
            m.put("bound", bound);
            m.put("seed", seed);
            m.put("reported_bound", reportedBound);
            m.put("mi_nats", miNats);
            m.put("ci95_nats", new double[] {ci95Low, ci95High});
            m.put("rel_error", relError);
            m.put("ci_covers_truth", ciCoversTruth());
            m.put("flagged", flagged());
            m.put("p_value", pValue);
            m.put("flags", flags);
            m.put("status", status);
            m.put("warnings", warnings);
            m.put("seconds", seconds);
            m.put("error", error);
            return m;
        }
    }

    /** {@code FILE.md} → {@code FILE.json}; any other name gets {@code .json} appended. */
    static Path jsonPath(Path md) {
        String name = md.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".md") ? name.substring(0, name.length() - 3) : name;
        return md.resolveSibling(base + ".json");
    }

    /**
     * Fails fast (before an hour of runs) when the table cannot be written: the directory must
     * exist and the target must not be a directory.
     */
    static void checkWritable(Path md) {
        Path dir = md.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new OutputException("--out " + md + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new OutputException("--out " + md + ": directory " + dir + " is not writable");
        }
        for (Path p : List.of(md, jsonPath(md))) {
            if (Files.isDirectory(p)) {
                throw new OutputException("--out " + md + ": " + p + " is a directory");
            }
        }
    }

    /** Writes the JSON, then the markdown, each atomically. */
    static void write(Path md, Path json, List<Entry> entries, Map<String, Object> settings,
                      Map<String, Object> machine, String commandLine, double totalSeconds) {
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", date);
        doc.put("command_line", commandLine);
        doc.put("machine", machine);
        doc.put("settings", settings);
        doc.put("total_seconds", totalSeconds);
        List<Object> rows = new ArrayList<>();
        entries.forEach(e -> rows.add(e.toMap()));
        doc.put("runs", rows);
        AccuracySummary.putJson(doc, entries);
        writeAtomically(json, JsonWriter.toJson(doc));
        writeAtomically(md, markdown(entries, settings, machine, commandLine, date, totalSeconds, json));
    }

    static String markdown(List<Entry> entries, Map<String, Object> settings, Map<String, Object> machine,
                           String commandLine, String date, double totalSeconds, Path json) {
        StringBuilder sb = new StringBuilder();
        int seeds = (int) entries.stream().mapToLong(Entry::seed).distinct().count();
        boolean perSeed = seeds > 1;
        sb.append("# Accuracy on the generated tasks\n\n");
        sb.append("Written by `mine-submit accuracy` (do not edit by hand; rerun the command). Every generated task "
                + "with every bound, in one Spark session").append(perSeed ? ", each with " + seeds + " seeds" : "")
                .append("; data seed = training seed. The same rows are in `")
                .append(json.getFileName()).append("`.\n\n");
        sb.append("- Date (UTC): ").append(date).append('\n');
        sb.append("- Command line: `").append(commandLine).append("`\n");
        sb.append("- Machine: ").append(keyValues(machine)).append('\n');
        Map<String, Object> shown = new LinkedHashMap<>(settings);
        Object tasks = shown.remove("tasks");
        sb.append("- Settings: ").append(keyValues(shown)).append('\n');
        sb.append("- Total wall time: ").append(AccuracyCommand.duration(totalSeconds)).append("\n\n");
        sb.append(perSeed ? HEADER_SEEDS : HEADER).append('\n');
        sb.append("|---|---:|---|").append(perSeed ? "---:|" : "").append("---:|---|---:|---|---:|---|---:|\n");
        for (Entry e : entries) {
            boolean ok = e.error() == null;
            Boolean covers = e.ciCoversTruth();
            sb.append("| ").append(e.task())
                    .append(" | ").append(fmt(e.truthNats()))
                    .append(" | ").append(e.bound())
                    .append(perSeed ? " | " + e.seed() : "")
                    .append(" | ").append(ok ? fmt(e.miNats()) : "n/a")
                    .append(" | ").append(ok ? interval(e.ci95Low(), e.ci95High()) : "n/a")
                    .append(" | ").append(relError(e.relError()))
                    .append(" | ").append(covers == null ? "n/a" : covers ? "yes" : "no")
                    .append(" | ").append(e.pValue() == null ? "n/a" : String.format(Locale.ROOT, "%.3g", e.pValue()))
                    .append(" | ").append(cell(e.statusCell()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", e.seconds()))
                    .append(" |\n");
        }
        sb.append("\nRelative error = (estimate − truth) / truth (n/a when the truth is 0). The p-value is the "
                + "result's `p_value` (permutation test) when the estimate has one, else n/a. Flags / status: the "
                + "result's status and flags, `reported bound X` when the estimator reported another bound than the "
                + "one requested, and the number of warnings. `near_estimator_limit`: the estimate is near what the "
                + "held-out estimator can measure (CI may be too narrow, read the estimate as a lower bound); see "
                + "docs/accuracy-diagnosis.md for what limits the accuracy. A CI shown as `[a, ∞)` is one-sided (no "
                + "upper end); it covers the truth when the truth is at least a.\n");
        if (tasks instanceof List<?> l && !l.isEmpty()) {
            sb.append("\nTasks:\n\n");
            for (Object t : l) {
                if (t instanceof Map<?, ?> tm) {
                    Object dims = Objects.equals(tm.get("dim_x"), tm.get("dim_y")) ? tm.get("dim_x")
                            : tm.get("dim_x") + " x " + tm.get("dim_y");
                    sb.append(String.format(Locale.ROOT, "- `%s`: %s, dim %s, MI %.6f nats, %s\n", tm.get("id"), tm.get("task"),
                            dims, ((Number) tm.get("mi_nats")).doubleValue(), tm.get("parameters")));
                } else {
                    sb.append("- ").append(t).append('\n');
                }
            }
        }
        AccuracySummary.markdown(sb, entries, seeds);
        sb.append(BMI_SUITE_TEXT);
        truths(sb, AccuracyCommand.bmiCatalog());
        sb.append(CODES_SUITE_TEXT);
        truths(sb, AccuracyCommand.codesCatalog());
        return sb.toString();
    }

    /** The fixed text before the bmi suite's task list: what the tasks are and how to run them. */
    static final String BMI_SUITE_TEXT = "\n## The bmi-style tasks (`--suite bmi`)\n\n"
            + "`accuracy` runs the `default` suite (the tasks above in a default run). `--suite bmi` runs the tasks of "
            + "Czyż et al. (2023), \"Beyond Normal\" (the `bmi` benchmark) instead and `--suite all` runs both; `--tasks` "
            + "picks ids or families from any suite, e.g. `mine-submit accuracy --tasks student-t,swiss-roll --bounds dv`. "
            + "Their rows appear in the table above only when the run included them. The truths are exact: closed forms "
            + "(the Student-t one from the multivariate-t entropies, the transformed Gaussians keep the Gaussian MI because "
            + "each map is injective), and for `mixed-discrete-continuous` a quadrature of the mixture's entropy accurate to "
            + "1e-9 nats. `mine-submit generate --help` and docs/cli.md give each task's definition; "
            + "`org.minespark.core.BeyondNormalTasks` has the derivations.\n\n"
            + "| id | task | dim_x x dim_y | parameters | MI (nats) |\n|---|---|---|---|---:|\n";

    private static void truths(StringBuilder sb, List<AccuracyCommand.Case> cases) {
        for (AccuracyCommand.Case c : cases) {
            SyntheticTasks.Task t = c.task();
            sb.append(String.format(Locale.ROOT, "| `%s` | %s | %d x %d | %s | %.6f |\n", c.id(), t.name(), t.dimX(), t.dimY(),
                    cell(new TreeMap<>(t.parameters()).toString()), t.trueMiNats()));
        }
    }

    /** The fixed text before the code suite's task list. */
    static final String CODES_SUITE_TEXT = "\n## The code tasks (`--suite codes`)\n\n"
            + "`--suite codes` runs the tasks of the per-value encoding of code-like columns (`--encoding`, docs/cli.md): "
            + "`code-column`, an integer code x uniform on 0..999 with y = g[x] + 0.5 z for a lookup table g of iid N(0, 1) "
            + "values (its truth a quadrature of the mixture's entropy, exact given g), and `string-levels`, two string "
            + "columns of 200 levels with y a noisy copy of x (the truth of `discrete-symbols`). "
            + "`org.minespark.core.CodeTasks` has the definitions.\n\n"
            + "| id | task | dim_x x dim_y | parameters | MI (nats) |\n|---|---|---|---|---:|\n";

    private static String keyValues(Map<String, Object> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + v));
        return cell(String.join(", ", parts));
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "n/a";
    }

    /** {@code [4.050, 4.150]}, or {@code [4.050, ∞)} for an unbounded upper end (+∞ or NaN). */
    static String interval(double low, double high) {
        return Double.isNaN(high) || high == Double.POSITIVE_INFINITY ? "[" + fmt(low) + ", ∞)"
                : "[" + fmt(low) + ", " + fmt(high) + "]";
    }

    /** {@code -3.8 %}, n/a when not finite. */
    static String relError(double rel) {
        return Double.isFinite(rel) ? String.format(Locale.ROOT, "%+.1f %%", 100 * rel) : "n/a";
    }

    /** A table cell: no pipes or line breaks. */
    private static String cell(String s) {
        return s.replace("|", "/").replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Writes {@code text} to a temporary file next to {@code target} and moves it over the target
     * (atomically where the file system supports it), so the target is either the old or the new
     * file, never a part. The temporary file is removed on failure.
     */
    static void writeAtomically(Path target, String text) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new OutputException("--out: cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the failure above is what matters
                }
            }
        }
    }
}
