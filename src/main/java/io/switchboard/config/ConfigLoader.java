package io.switchboard.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads the YAML config file through vertx-config, lays it over the defaults, applies the environment and
 * validates the result. A missing file is an error only when the user named it.
 */
public final class ConfigLoader {

  public static final String DEFAULT_FILE = "conf/config.yaml";
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  /** Picks the file: {@code --config FILE}, else {@code SWITCHBOARD_CONFIG}, else {@code conf/config.yaml}. */
  public static String configFile(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--config")) {
        return args[i + 1];
      }
    }
    for (String arg : args) {
      if (arg.startsWith("--config=")) {
        return arg.substring("--config=".length());
      }
    }
    return env.getOrDefault("SWITCHBOARD_CONFIG", DEFAULT_FILE);
  }

  public static Future<SwitchboardConfig> load(Vertx vertx, String file, Map<String, String> env) {
    boolean named = !DEFAULT_FILE.equals(file);
    if (!Files.isRegularFile(Path.of(file))) {
      return named
          ? Future.failedFuture(new ConfigException(java.util.List.of(file + ": config file not found")))
          // map, not a direct call: a bad environment must fail the future (one clear line), not throw.
          : Future.succeededFuture(new JsonObject()).map(tree -> fromTree(tree, env));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
            .setConfig(new JsonObject().put("path", file))));
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(e -> Future.failedFuture(new ConfigException(java.util.List.of(file + ": " + yamlProblem(e)))))
        .map(tree -> fromTree(tree, env));
  }

  /**
   * Re-reads the file every {@code period} and hands each valid new config to {@code onChange}; an invalid
   * edit is logged and ignored, so a typo never takes a running router down.
   */
  public static ConfigRetriever watch(Vertx vertx, String file, Map<String, String> env, Duration period,
      Consumer<SwitchboardConfig> onChange) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .setScanPeriod(period.toMillis())
        .addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
            .setConfig(new JsonObject().put("path", file))));
    retriever.listen(change -> {
      try {
        onChange.accept(fromTree(change.getNewConfiguration(), env));
      } catch (ConfigException e) {
        LOG.warn("{} changed but is not valid, keeping the running config: {}", file, e.getMessage().replace('\n', ';'));
      }
    });
    return retriever;
  }

  /** Defaults, then the file, then the environment, then validation. */
  public static SwitchboardConfig fromTree(JsonObject fileTree, Map<String, String> env) {
    JsonObject tree = ConfigDefaults.tree().mergeIn(withoutNulls(fileTree.copy()), true);
    EnvironmentOverrides environment = new EnvironmentOverrides();
    return ConfigReader.read(environment.apply(tree, env), environment.problems());
  }

  /**
   * A key the file leaves empty (YAML {@code ingress:} with its lines commented out reads as null) keeps its
   * default rather than replacing the whole section with null.
   */
  private static JsonObject withoutNulls(JsonObject object) {
    object.getMap().values().removeIf(java.util.Objects::isNull);
    object.forEach(entry -> {
      if (entry.getValue() instanceof JsonObject child) {
        withoutNulls(child);
      }
    });
    return object;
  }

  /** SnakeYAML knows where the file went wrong: say so as line and column (1-based, as editors count). */
  private static String yamlProblem(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
        return "not valid YAML at line " + (marked.getProblemMark().getLine() + 1) + ", column "
            + (marked.getProblemMark().getColumn() + 1) + ": " + marked.getProblem();
      }
    }
    return "not valid YAML: " + rootMessage(e);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
  }
}
