package io.switchboard.support;

import java.nio.charset.StandardCharsets;

/** Meta Cloud API webhook bodies built to order: one contact's text message, or one status of a message. */
public final class Payloads {

  public static final String PHONE_NUMBER_ID = "409552778964973";

  private Payloads() {}

  /** A text message {@code text} from {@code waId}, with message id {@code wamid}. */
  public static byte[] text(String waId, String wamid, String text) {
    return envelope("""
        "contacts": [ { "profile": { "name": "Customer %1$s" }, "wa_id": "%1$s" } ],
        "messages": [ { "from": "%1$s", "id": "%2$s", "timestamp": "1767225600", "type": "text",
                        "text": { "body": "%3$s" } } ]""".formatted(waId, wamid, text));
  }

  /** The status {@code status} (sent, delivered, read, …) of business message {@code wamid} to {@code waId}. */
  public static byte[] status(String waId, String wamid, String status) {
    return envelope("""
        "statuses": [ { "id": "%2$s", "status": "%3$s", "timestamp": "1767225601", "recipient_id": "%1$s" } ]"""
        .formatted(waId, wamid, status));
  }

  private static byte[] envelope(String value) {
    return ("""
        { "object": "whatsapp_business_account", "entry": [ { "id": "880480571844883", "changes": [ { "field": "messages",
          "value": { "messaging_product": "whatsapp",
                     "metadata": { "display_phone_number": "43330585569", "phone_number_id": "%s" },
                     %s } } ] } ] }""").formatted(PHONE_NUMBER_ID, value).getBytes(StandardCharsets.UTF_8);
  }
}
