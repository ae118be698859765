package io.quotecast.monitor;

import io.vertx.core.Future;
import java.util.List;

/** The symbols this node's quote role reports stale; fails when nobody answered (the rule is then not evaluated). */
interface StaleSymbols {
  Future<List<String>> stale();
}
