package io.github.reloadwatch.http;

import java.net.URI;

/**
 * A response, read up to a limit and released: what classification and verification look at.
 *
 * @param uri where the request went (without user info; query secrets still in it: show {@link
 *     #shown()} instead)
 * @param status the status code
 * @param reason the reason phrase, possibly empty or null
 * @param body the body as read, up to the sender's limit
 * @param excerpt a bounded excerpt of the body with the request's secrets redacted, for messages
 * @param retryAfter the {@code Retry-After} header's value, or null
 * @param location the {@code Location} header's value, or null
 */
record Response(URI uri, int status, String reason, String body, String excerpt,
    String retryAfter, String location) {

  /** Where the request went, for messages: {@linkplain Credentials#redacted(URI) redacted}. */
  String shown() {
    return Credentials.redacted(uri);
  }

  /** The status and reason phrase, such as {@code 503 Service Unavailable}. */
  String statusLine() {
    return status + (reason == null || reason.isEmpty() ? "" : " " + reason);
  }
}
