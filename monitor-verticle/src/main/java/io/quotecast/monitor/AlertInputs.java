package io.quotecast.monitor;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one evaluation looks at: the time, this node's latest figures as {@link FiguresPublisher} publishes them, and
 * the symbols this node's quote role reports stale ({@code null} when nobody answered: the rule is not evaluated).
 */
record AlertInputs(long now, JsonObject figures, List<String> staleSymbols) {
}
