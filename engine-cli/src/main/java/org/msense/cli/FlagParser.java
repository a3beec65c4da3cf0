package org.msense.cli;

import java.util.ArrayList;
import java.util.List;
import org.msense.core.run.Parameter;
import org.msense.core.run.RunConfig;
import org.msense.core.run.RunParameters;

/**
 * Reads {@code --name value}, {@code --name=value}, {@code --flag} and {@code --no-flag} for the
 * {@link RunParameters}, plus {@code --config FILE}: the config file is applied first, then the flags, so
 * flags override it regardless of their order.
 */
final class FlagParser {
    private FlagParser() {
    }

    /** Parses the flags of {@code msense run} into a config (defaults ← config file ← flags). */
    static RunConfig parse(List<String> args) {
        List<String[]> pairs = new ArrayList<>();
        String configFile = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "'; parameters are given as --name value");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("config")) {
                if (value == null) {
                    value = CommandArgs.value(args, ++i, "--" + name);
                }
                configFile = value;
                continue;
            }
            Parameter p = RunParameters.byName(name);
            if (p == null && name.startsWith("no-")) {
                Parameter q = RunParameters.byName(name.substring(3));
                if (q != null && q.kind() == Parameter.Kind.FLAG && value == null) {
                    pairs.add(new String[] {q.name(), "false"});
                    continue;
                }
            }
            if (p == null) {
                List<String> s = RunParameters.suggestions(name);
                throw new UsageException("unknown option --" + name
                        + (s.isEmpty() ? "; see msense run --help" : "; did you mean --" + String.join(" or --", s) + "?"));
            }
            if (value == null) {
                if (p.kind() == Parameter.Kind.FLAG && (i + 1 >= args.size() || args.get(i + 1).startsWith("--"))) {
                    value = "true";
                } else {
                    value = CommandArgs.value(args, ++i, "--" + name);
                }
            }
            pairs.add(new String[] {p.name(), value});
        }
        RunConfig config = new RunConfig();
        if (configFile != null) {
            config.applyJsonFile(java.nio.file.Path.of(configFile));
        }
        for (String[] kv : pairs) {
            config.setText(kv[0], kv[1]);
        }
        return config;
    }
}
