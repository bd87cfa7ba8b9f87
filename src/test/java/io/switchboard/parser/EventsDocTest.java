package io.switchboard.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("docs/events.md is what EventsDocGenerator writes today")
class EventsDocTest {

  @Test
  @DisplayName("regenerating the document changes nothing (run the generator after changing the classifier)")
  void upToDate(@TempDir Path dir) throws Exception {
    Path generated = dir.resolve("events.md");
    EventsDocGenerator.main(new String[] {"src/test/resources/docs/events.template.md", generated.toString()});
    assertEquals(Files.readString(Path.of("docs/events.md"), StandardCharsets.UTF_8),
        Files.readString(generated, StandardCharsets.UTF_8));
  }
}
