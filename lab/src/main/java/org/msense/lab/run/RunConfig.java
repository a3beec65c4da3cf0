package org.msense.lab.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.msense.lab.io.Json;
import org.msense.lab.io.JsonException;
import org.msense.core.spec.InvalidSpecException;

/**
 * The values of every {@link RunParameters run parameter}: defaults, overridden by a JSON config file,
 * overridden in turn by command-line flags. Remembers which were set explicitly. Values are typed as
 * their {@link Parameter.Kind} says (Integer, Long, Double, String, Path, Boolean, double[], long[]).
 */
public final class RunConfig {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Set<String> explicit = new HashSet<>();

    /** A config holding the defaults. */
    public RunConfig() {
        for (Parameter p : RunParameters.all()) {
            values.put(p.name(), p.defaultValue());
        }
    }

    /** Sets a parameter from a typed value (checked against the kind by the getters' casts). */
    public RunConfig set(String name, Object value) {
        Parameter p = require(name);
        values.put(p.name(), value);
        explicit.add(p.name());
        return this;
    }

    /** Sets a parameter from command-line text. */
    public RunConfig setText(String name, String text) {
        return set(name, require(name).parse(text));
    }

    /** Whether the parameter was given (in a config file or on the command line). */
    public boolean isExplicit(String name) {
        return explicit.contains(name);
    }

    /** The value (possibly null for parameters without a default). */
    public Object get(String name) {
        require(name);
        return values.get(name);
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    public double getDouble(String name) {
        return (Double) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    public Path getPath(String name) {
        return (Path) get(name);
    }

    public boolean getFlag(String name) {
        return (Boolean) get(name);
    }

    public double[] getDoubles(String name) {
        double[] d = (double[]) get(name);
        return d == null ? null : d.clone();
    }

    public long[] getLongs(String name) {
        long[] d = (long[]) get(name);
        return d == null ? null : d.clone();
    }

    /**
     * Applies a JSON config file: an object whose keys are parameter names. Syntax errors (NaN, a key given
     * twice, comments, ...), unknown keys and values of the wrong type are errors naming the file, the line
     * and the key.
     */
    public RunConfig applyJsonFile(Path file) {
        String text;
        if (Files.exists(file) && !Files.isRegularFile(file)) { // a FIFO or a device would block or never end
            throw new InvalidSpecException("config", file + " is not a regular file" + (Files.isDirectory(file)
                    ? " but a directory" : " (a pipe, socket or device)") + "; give a JSON file");
        }
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidSpecException("config", "file not found: " + file);
        } catch (IOException e) {
            throw new InvalidSpecException("config", "cannot read " + file + ": " + Failures.describe(e));
        }
        return applyJson(text, file.getFileName().toString());
    }

    /**
     * Applies the text of a JSON config (see {@link #applyJsonFile}).
     *
     * @param source names the text in messages, usually the file name
     */
    public RunConfig applyJson(String text, String source) {
        List<Json.Member> members;
        try {
            members = Json.readObject(text, source);
        } catch (JsonException e) {
            throw new InvalidSpecException("config", e.getMessage());
        }
        for (Json.Member m : members) {
            String where = source + " line " + m.line();
            Parameter p = RunParameters.byName(m.key());
            if (p == null || m.key().equals("config")) {
                throw unknown(m.key(), where);
            }
            set(m.key(), p.fromJson(m.value(), where));
        }
        return this;
    }

    /** Every parameter with its value as JSON-ready data, skipping nulls and the names given. */
    public Map<String, Object> toJson(Set<String> skip) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Parameter p : RunParameters.all()) {
            Object v = values.get(p.name());
            if (v != null && !skip.contains(p.name())) {
                out.put(p.name(), p.toJson(v));
            }
        }
        return out;
    }

    /** A copy. */
    public RunConfig copy() {
        RunConfig c = new RunConfig();
        c.values.putAll(values);
        c.explicit.addAll(explicit);
        return c;
    }

    private static Parameter require(String name) {
        Parameter p = RunParameters.byName(name);
        if (p == null) {
            throw unknown(name, "the command line");
        }
        return p;
    }

    static InvalidSpecException unknown(String key, String source) {
        List<String> s = RunParameters.suggestions(key);
        return new InvalidSpecException(key, "unknown parameter in " + source
                + (s.isEmpty() ? "; see msense run --help for the list" : "; did you mean " + String.join(" or ", s) + "?"));
    }
}
