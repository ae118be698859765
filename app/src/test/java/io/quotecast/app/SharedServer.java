package io.quotecast.app;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link QuotecastServer} parameter with one node shared by every test class of the run (started on first
 * use, closed when the run ends): starting a node with its simulator and backfill costs seconds. Its config: 2 gateway
 * instances, 3000 simulator updates per second; tier free (anonymous) with {@value #SUBSCRIPTIONS_PER_CONNECTION}
 * subscriptions per connection and realtime allowed.
 * Tests on it must close their clients.
 */
final class SharedServer implements ParameterResolver {
  static final int SUBSCRIPTIONS_PER_CONNECTION = 20;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == QuotecastServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
    return store.getOrComputeIfAbsent(SharedServer.class.getName(), k -> new Holder(start()), Holder.class).server;
  }

  private static QuotecastServer start() {
    // Anonymous users are tier free; these tests exercise realtime delivery, so free is not throttled here.
    return QuotecastServer.start(config -> config.getJsonObject("tiers").getJsonObject("free")
        .put("subscriptionsPerConnection", SUBSCRIPTIONS_PER_CONNECTION).put("minFreq", "realtime"));
  }

  private record Holder(QuotecastServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      server.close();
    }
  }
}
