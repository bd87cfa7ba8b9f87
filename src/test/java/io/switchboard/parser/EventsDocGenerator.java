package io.switchboard.parser;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ClassifiedWebhook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes docs/events.md from its template, replacing each {@code <!-- example: FILE #N -->} with the N-th
 * event the classifier really produces for that fixture or payload, so the examples cannot drift from
 * the code. The command is at the top of the template.
 */
public final class EventsDocGenerator {

  private static final Pattern EXAMPLE = Pattern.compile("<!-- example: (\\S+) #(\\d+) -->");

  private EventsDocGenerator() {
  }

  public static void main(String[] args) throws IOException {
    Path template = Path.of(args.length > 0 ? args[0] : "src/test/resources/docs/events.template.md");
    Path target = Path.of(args.length > 1 ? args[1] : "docs/events.md");
    Map<String, Catalogue.Case> cases = Catalogue.all().stream()
        .collect(Collectors.toMap(Catalogue.Case::file, Function.identity()));
    WebhookClassifier classifier = new WebhookClassifier();
    Matcher m = EXAMPLE.matcher(Files.readString(template, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Catalogue.Case c = cases.get(m.group(1));
      if (c == null) {
        throw new IllegalArgumentException("no fixture or payload named " + m.group(1));
      }
      ClassifiedWebhook result = classifier.classify(c.webhook(42));
      JsonNode event = Catalogue.MAPPER.readTree(result.events().get(Integer.parseInt(m.group(2))).json());
      String json = Catalogue.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(event);
      String block = "Produced from `" + c.file() + "` posted to `/webhooks/" + c.source() + "`:\n\n```json\n"
          + json + "\n```";
      m.appendReplacement(out, Matcher.quoteReplacement(block));
    }
    m.appendTail(out);
    Files.writeString(target, out.toString(), StandardCharsets.UTF_8);
  }
}
