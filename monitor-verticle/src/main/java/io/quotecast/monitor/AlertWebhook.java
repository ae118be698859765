package io.quotecast.monitor;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs an alert (its JSON) to {@code alerts.webhookUrl}: a 2xx answer within the timeout succeeds; anything else is
 * retried once after {@value #RETRY_DELAY_MS} ms, then logged at WARN. Asynchronous, so a slow or dead receiver never
 * holds up evaluation; at most {@value #MAX_IN_FLIGHT} POSTs wait at once, further alerts skip the webhook.
 */
final class AlertWebhook {
  private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);
  static final long RETRY_DELAY_MS = 500;
  static final int MAX_IN_FLIGHT = 64;

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  /** The URL as logged: scheme, host and port only (chat webhooks carry their secret in the path or query). */
  private final String shown;
  private final long timeoutMs;
  private int inFlight;

  AlertWebhook(Vertx vertx, String url, long timeoutMs) {
    this.vertx = vertx;
    this.url = url;
    this.timeoutMs = timeoutMs;
    URI uri = URI.create(url);
    this.shown = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) Math.min(timeoutMs,
        Integer.MAX_VALUE)));
  }

  /** {@code alerts.webhookUrl} must be an http(s) URL when set; null when not set. */
  static String checkedUrl(String url) {
    String u = url == null ? "" : url.trim();
    if (u.isEmpty()) {
      return null;
    }
    try {
      URI uri = URI.create(u);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException("config key alerts.webhookUrl: expected an http:// or https:// URL such as "
        + "https://hooks.example.com/quotecast, got '" + u + "'");
  }

  /** Completes when the receiver took the alert, fails after the retry failed too (already logged). */
  Future<Void> send(JsonObject alert) {
    if (inFlight >= MAX_IN_FLIGHT) {
      LOG.atWarn().setMessage("alert webhook skipped: {} POSTs still waiting").addArgument(inFlight)
          .addKeyValue("alertId", alert.getString("id")).addKeyValue("webhook", shown).log();
      return Future.failedFuture("webhook busy");
    }
    inFlight++;
    return post(alert)
        .recover(first -> vertx.timer(RETRY_DELAY_MS).compose(v -> post(alert)))
        .onComplete(ar -> {
          inFlight--;
          if (ar.failed()) {
            LOG.atWarn().setMessage("alert webhook failed twice: {}").addArgument(ar.cause().getMessage())
                .addKeyValue("alertId", alert.getString("id")).addKeyValue("alertState", alert.getString("state"))
                .addKeyValue("webhook", shown).log();
          }
        });
  }

  private Future<Void> post(JsonObject alert) {
    return client.postAbs(url).timeout(timeoutMs).sendJsonObject(alert).compose(response ->
        response.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture("HTTP " + response.statusCode() + " from " + shown));
  }

  void close() {
    client.close();
  }
}
