package io.quotecast.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.io.PrintStream;

/**
 * {@code quotecast-cli trace}: starts a message trace on the operations port ({@code POST /admin/traces}) and prints
 * its events, one JSON object per line as the monitor sends them ({@code GET /admin/traces/{id}/stream}), until the
 * trace ends; the end (reason, counts) goes to standard error. Exit code 0 when the trace ran to its end, 1 when it
 * could not be started (401, 403, ...) or the stream broke off.
 */
final class TraceCommand {
  private TraceCommand() {}

  static Future<Integer> run(Vertx vertx, CliArgs args, PrintStream out, PrintStream err) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
    CliArgs.TraceTarget target = args.trace();
    JsonObject body = new JsonObject().put(target.field(), target.value()).put("seconds", target.seconds());
    return client.request(options(args, HttpMethod.POST, "/admin/traces").putHeader("Content-Type",
            "application/json"))
        .compose(request -> request.send(body.toBuffer()))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b)))
        .compose(answer -> {
          if (answer.status() != 201) {
            err.println("error: " + refusal(answer, args));
            return Future.succeededFuture(1);
          }
          JsonObject trace = answer.json();
          String id = trace.getString("traceId");
          err.println("trace " + id + " of " + target.field() + " " + target.value() + " for " + target.seconds()
              + " s: " + trace.getValue("gateways") + " gateway instances, " + trace.getValue("matched")
              + " matched now");
          return stream(client, args, id, out, err);
        }, failure -> {
          err.println("error: cannot reach " + args.url() + ": " + failure.getMessage());
          return Future.succeededFuture(1);
        })
        .eventually(client::close);
  }

  private record Answer(int status, Buffer body) {
    JsonObject json() {
      try {
        return body.toJsonObject();
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }
  }

  private static RequestOptions options(CliArgs args, HttpMethod method, String route) {
    return new RequestOptions().setMethod(method).setHost(args.url().getHost()).setPort(args.port())
        .setSsl(args.ssl()).setURI(args.opsPath(route)).putHeader("Authorization", "Bearer " + args.token());
  }

  /** Why the operations port refused, in words an operator can act on. */
  static String refusal(Answer answer, CliArgs args) {
    String detail = answer.json().getString("detail", answer.body().toString());
    return switch (answer.status()) {
      case 401 -> "401 Unauthorized: the operations port refused the token (" + detail + "); pass a valid token "
          + "with the admin scope in --token";
      case 403 -> "403 Forbidden: the token has no admin scope; tracing needs a token with scope admin";
      case 404 -> "404 Not Found: no admin API at " + args.url() + " (is it the operations port, e.g. :9090?)";
      default -> answer.status() + ": " + detail;
    };
  }

  /** Prints the trace's lines until the end marker; 0 when it came. */
  private static Future<Integer> stream(HttpClient client, CliArgs args, String id, PrintStream out,
      PrintStream err) {
    Promise<Integer> done = Promise.promise();
    client.request(options(args, HttpMethod.GET, "/admin/traces/" + id + "/stream"))
        .compose(request -> request.send())
        .onFailure(failure -> {
          err.println("error: cannot read trace " + id + ": " + failure.getMessage());
          done.tryComplete(1);
        })
        .onSuccess(response -> read(response, id, out, err, done));
    return done.future();
  }

  private static void read(HttpClientResponse response, String id, PrintStream out, PrintStream err,
      Promise<Integer> done) {
    if (response.statusCode() != 200) {
      response.body().onComplete(b -> {
        err.println("error: reading trace " + id + ": " + response.statusCode() + " "
            + (b.succeeded() ? b.result() : ""));
        done.tryComplete(1);
      });
      return;
    }
    boolean[] ended = {false};
    RecordParser lines = RecordParser.newDelimited("\n", line -> {
      String text = line.toString();
      JsonObject event;
      try {
        event = new JsonObject(text);
      } catch (RuntimeException e) {
        return;
      }
      if (event.getBoolean("end", false)) {
        ended[0] = true;
        err.println("trace " + id + " ended (" + event.getString("reason") + "): " + event.getValue("captured")
            + " events, " + event.getValue("dropped") + " dropped from the monitor's buffer, "
            + event.getValue("suppressed") + " not sent by gateways (rate limit)");
      } else {
        out.println(text);
      }
    });
    response.handler(lines);
    response.exceptionHandler(failure -> {
      err.println("error: trace " + id + " stream broke off: " + failure.getMessage());
      done.tryComplete(1);
    });
    response.endHandler(v -> {
      if (!ended[0]) {
        err.println("error: trace " + id + " stream ended without the end of the trace");
      }
      done.tryComplete(ended[0] ? 0 : 1);
    });
  }
}
