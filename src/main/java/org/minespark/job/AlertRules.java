package org.minespark.job;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.minespark.spec.MiResult;
import org.minespark.spec.PairResult;

/**
 * The alert rules of a {@code pairs} run ({@code --alerts FILE}, HOCON): read and checked against
 * the run's columns before any work, then fired on the run's results. docs/cli.md lists the rule
 * types; a fired alert makes the command exit with {@link ExitCodes#ALERTS}.
 *
 * <pre>
 * rules = [
 *   { name = target-leak,  type = threshold, metric = rho_i, above = 0.95, column = label }
 *   { name = lost-signal,  type = threshold, metric = mi_nats, below = 0.02, pair = "f1 ~ label" }
 *   { name = new-dep,      type = became-dependent }
 *   { name = lost-dep,     type = became-independent }
 *   { name = drift,        type = drift, min-nats = 0.05 }
 *   { name = lost-column,  type = column-skipped }
 * ]
 * </pre>
 * Every rule may narrow itself with {@code pair}, {@code column} (any pair with that column) and
 * {@code segment}.
 */
final class AlertRules {
    static final String THRESHOLD = "threshold";
    static final String BECAME_DEPENDENT = "became-dependent";
    static final String BECAME_INDEPENDENT = "became-independent";
    static final String DRIFT = "drift";
    static final String COLUMN_SKIPPED = "column-skipped";
    private static final List<String> TYPES = List.of(THRESHOLD, BECAME_DEPENDENT, BECAME_INDEPENDENT, DRIFT, COLUMN_SKIPPED);
    private static final List<String> METRICS = List.of("mi_nats", "mi_bits", "rho_i");
    private static final List<String> COMMON = List.of("name", "type", "pair", "column", "segment");

    /** One rule as written; {@code above}/{@code below}/{@code minNats} are NaN when not given. */
    record Rule(String name, String type, String metric, double above, double below, double minNats, String pair,
                String column, String segment, int line) {
    }

    /** One fired alert. {@code value} and {@code threshold} are NaN when the rule has none. */
    record Alert(String rule, String type, String segment, String pair, String column, double value, double threshold,
                 String message) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", rule);
            m.put("type", type);
            m.put("segment", segment);
            m.put("pair", pair);
            m.put("column", column);
            m.put("value", value);
            m.put("threshold", threshold);
            m.put("message", message);
            return m;
        }
    }

    private final List<Rule> rules;

    private AlertRules(List<Rule> rules) {
        this.rules = rules;
    }

    /** No rules (no {@code --alerts}). */
    static AlertRules none() {
        return new AlertRules(List.of());
    }

    List<Rule> rules() {
        return rules;
    }

    /**
     * Reads and checks {@code file} against the run's column (or group) names and pair names; an
     * error names the file, the line and the reason.
     */
    static AlertRules read(Path file, Set<String> columns, Set<String> pairs) {
        if (file == null) {
            return none();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--alerts: no such file: " + file);
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(new File(file.toString()), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            int line = e.origin() == null ? -1 : e.origin().lineNumber();
            throw new IllegalArgumentException("--alerts " + file + (line > 0 ? ": line " + line : "") + ": "
                    + stripOrigin(e.getMessage()), e);
        }
        if (!c.hasPath("rules") || c.getValue("rules").valueType() != ConfigValueType.LIST) {
            throw new IllegalArgumentException("--alerts " + file + ": expected a list 'rules = [ { name = ..., type = ... } ]'"
                    + (c.hasPath("rules") ? " (line " + c.getValue("rules").origin().lineNumber() + ": rules is a "
                    + c.getValue("rules").valueType().name().toLowerCase(Locale.ROOT) + ")" : ""));
        }
        List<Rule> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigValue v : c.getList("rules")) {
            int line = v.origin().lineNumber();
            String at = "--alerts " + file + ": line " + line + ": ";
            if (v.valueType() != ConfigValueType.OBJECT) {
                throw new IllegalArgumentException(at + "a rule must be an object { name = ..., type = ... }, got a "
                        + v.valueType().name().toLowerCase(Locale.ROOT));
            }
            Rule r;
            try {
                r = rule((ConfigObject) v, line, columns, pairs);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(at + stripOrigin(e.getMessage()), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage(), e);
            }
            if (!names.add(r.name())) {
                throw new IllegalArgumentException(at + "a second rule named '" + r.name() + "'");
            }
            out.add(r);
        }
        return new AlertRules(List.copyOf(out));
    }

    private static Rule rule(ConfigObject o, int line, Set<String> columns, Set<String> pairs) {
        Config r = o.toConfig();
        if (!r.hasPath("name") || !r.hasPath("type")) {
            throw new IllegalArgumentException("a rule needs a name and a type (one of " + String.join(", ", TYPES) + ")");
        }
        String name = r.getString("name");
        String type = r.getString("type");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("rule '" + name + "': unknown type '" + type + "' (expected one of "
                    + String.join(", ", TYPES) + ")");
        }
        List<String> allowed = new ArrayList<>(COMMON);
        if (THRESHOLD.equals(type)) {
            allowed.addAll(List.of("metric", "above", "below"));
        } else if (DRIFT.equals(type)) {
            allowed.add("min-nats");
        }
        for (String k : o.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("rule '" + name + "': unknown key '" + k + "' for type " + type
                        + " (allowed: " + String.join(", ", allowed) + ")");
            }
        }
        String metric = null;
        double above = Double.NaN;
        double below = Double.NaN;
        if (THRESHOLD.equals(type)) {
            metric = r.hasPath("metric") ? r.getString("metric") : null;
            if (!METRICS.contains(metric)) {
                throw new IllegalArgumentException("rule '" + name + "': metric must be one of " + String.join(", ", METRICS)
                        + ", got " + (metric == null ? "none" : "'" + metric + "'"));
            }
            above = r.hasPath("above") ? r.getDouble("above") : Double.NaN;
            below = r.hasPath("below") ? r.getDouble("below") : Double.NaN;
            if (Double.isNaN(above) && Double.isNaN(below)) {
                throw new IllegalArgumentException("rule '" + name + "': a threshold rule needs above = X or below = X");
            }
        }
        double minNats = r.hasPath("min-nats") ? r.getDouble("min-nats") : Double.NaN;
        if (r.hasPath("min-nats") && !(minNats >= 0 && Double.isFinite(minNats))) {
            throw new IllegalArgumentException("rule '" + name + "': min-nats must be a finite number >= 0, got " + minNats);
        }
        String column = r.hasPath("column") ? r.getString("column") : null;
        if (column != null && !columns.contains(column)) {
            throw new IllegalArgumentException("rule '" + name + "': unknown column '" + column + "' (the run's columns: "
                    + String.join(", ", columns) + ")");
        }
        String pair = r.hasPath("pair") ? canonical(r.getString("pair"), pairs) : null;
        if (r.hasPath("pair") && pair == null) {
            throw new IllegalArgumentException("rule '" + name + "': unknown pair '" + r.getString("pair")
                    + "' (write it as \"x ~ y\" with two of the run's columns: " + String.join(", ", columns) + ")");
        }
        String segment = r.hasPath("segment") ? r.getString("segment") : null;
        return new Rule(name, type, metric, above, below, minNats, pair, column, segment, line);
    }

    /** The run's name of {@code "a ~ b"} (either order), or null when it is not one of the run's pairs. */
    private static String canonical(String p, Set<String> pairs) {
        String[] xy = p.split("~", -1);
        if (xy.length != 2) {
            return null;
        }
        String a = xy[0].strip();
        String b = xy[1].strip();
        return pairs.contains(a + " ~ " + b) ? a + " ~ " + b : pairs.contains(b + " ~ " + a) ? b + " ~ " + a : null;
    }

    private static String stripOrigin(String m) {
        // Typesafe messages start with "<file>: <line>: "; the caller names the file and line itself
        return m == null ? "" : m.replaceFirst("^.*?: \\d+: ", "");
    }

    private static boolean applies(Rule r, String segment, PairResult p) {
        return (r.pair() == null || r.pair().equals(p.pair()))
                && (r.column() == null || r.column().equals(p.x()) || r.column().equals(p.y()))
                && (r.segment() == null || r.segment().equals(segment));
    }

    /** A pair's MI in nats for threshold rules: the MINE estimate, else the screen's plug-in estimate, else NaN. */
    static double value(PairResult p) {
        if (PairResult.OK.equals(p.status()) && Double.isFinite(p.miNats())) {
            return p.miNats();
        }
        if (PairResult.CONSTANT.equals(p.status())) {
            return 0.0;
        }
        return PairResult.SCREENED.equals(p.status()) && p.plugIn().computed() ? Math.max(0, p.plugIn().nats()) : Double.NaN;
    }

    private static double metric(String metric, double nats) {
        return "mi_bits".equals(metric) ? nats / Math.log(2) : "rho_i".equals(metric) ? MiResult.linfoot(nats) : nats;
    }

    /**
     * The alerts the rules fire on a run's results, in rule order.
     *
     * @param skipped     per segment (null key: the whole table), the columns this run skipped and why
     * @param driftMinNats the run's {@code --drift-min-nats}, for drift rules without their own
     */
    List<Alert> fire(List<SegmentPair> now, Map<String, Map<String, String>> skipped, Baseline baseline,
                     double driftMinNats) {
        List<Alert> out = new ArrayList<>();
        for (Rule r : rules) {
            switch (r.type()) {
                case THRESHOLD -> threshold(r, now, out);
                case BECAME_DEPENDENT, BECAME_INDEPENDENT -> became(r, now, baseline, out);
                case DRIFT -> {
                    double min = Double.isNaN(r.minNats()) ? driftMinNats : r.minNats();
                    for (Baseline.Drift d : baseline.drift(now, min)) {
                        if (applies(r, d.segment(), d.now())) {
                            out.add(new Alert(r.name(), r.type(), d.segment(), d.now().pair(), null, d.mi(),
                                    min, String.format(Locale.ROOT, "%s moved from %.4g to %.4g nats (baseline %s)%s",
                                    d.now().pair(), d.ref().mi(), d.mi(), d.baseline(),
                                    PairResult.OK.equals(d.now().status()) ? "" : " (" + d.now().status()
                                    + ": screen estimate)")));
                        }
                    }
                }
                default -> columnSkipped(r, skipped, baseline, out);
            }
        }
        return out;
    }

    private static void threshold(Rule r, List<SegmentPair> now, List<Alert> out) {
        for (SegmentPair sp : now) {
            PairResult p = sp.result();
            double nats = value(p);
            if (!applies(r, sp.segment(), p) || Double.isNaN(nats)) {
                continue;
            }
            double v = metric(r.metric(), nats);
            boolean hi = v > r.above();
            boolean lo = v < r.below();
            if (hi || lo) {
                double t = hi ? r.above() : r.below();
                out.add(new Alert(r.name(), r.type(), sp.segment(), p.pair(), null, v, t, String.format(Locale.ROOT,
                        "%s: %s = %.4g is %s %.4g%s", p.pair(), r.metric(), v, hi ? "above" : "below", t,
                        PairResult.OK.equals(p.status()) ? "" : " (" + p.status() + ": screen estimate)")));
            }
        }
    }

    private static void became(Rule r, List<SegmentPair> now, Baseline baseline, List<Alert> out) {
        boolean toDependent = BECAME_DEPENDENT.equals(r.type());
        for (SegmentPair sp : now) {
            PairResult p = sp.result();
            Baseline.Ref ref = baseline.ref(sp.segment(), p.pair());
            boolean tested = PairResult.SCREENED.equals(p.status()) || PairResult.CONSTANT.equals(p.status())
                    || PairResult.OK.equals(p.status())
                    && !MiResult.Significance.TEST_NONE.equals(p.significance().test());
            if (!applies(r, sp.segment(), p) || ref == null || !ref.tested() || !tested) {
                continue;
            }
            if (p.dependent() == toDependent && ref.dependent() != toDependent) {
                out.add(new Alert(r.name(), r.type(), sp.segment(), p.pair(), null, value(p), Double.NaN,
                        p.pair() + (toDependent ? " became dependent" : " is no longer dependent") + " (baseline "
                        + baseline.label() + ", after " + (Double.isNaN(p.qValue()) ? "the screen" : "correction") + ")"));
            }
        }
    }

    private static void columnSkipped(Rule r, Map<String, Map<String, String>> skipped, Baseline baseline,
                                      List<Alert> out) {
        for (Map.Entry<String, Map<String, String>> seg : skipped.entrySet()) {
            for (Map.Entry<String, String> c : seg.getValue().entrySet()) {
                boolean before = baseline.analysed(seg.getKey()).contains(c.getKey());
                if (before && (r.column() == null || r.column().equals(c.getKey()))
                        && (r.segment() == null || r.segment().equals(seg.getKey()))) {
                    out.add(new Alert(r.name(), r.type(), seg.getKey(), null, c.getKey(), Double.NaN, Double.NaN,
                            "column " + c.getKey() + " was analysed in the baseline (" + baseline.label()
                            + ") and is skipped now: " + c.getValue()));
                }
            }
        }
    }
}
