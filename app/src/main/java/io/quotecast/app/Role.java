package io.quotecast.app;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The verticle roles a node can run; {@code --roles gateway,quote} picks some, the default is all. */
public enum Role {
  QUOTE, SUBSCRIPTION, GATEWAY, MONITOR;

  public static Set<Role> parse(String list) {
    if (list == null || list.isBlank() || list.trim().equalsIgnoreCase("all")) {
      return EnumSet.allOf(Role.class);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : list.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      try {
        roles.add(Role.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown role '" + part.trim() + "'; roles are quote, subscription, "
            + "gateway, monitor (or all)");
      }
    }
    return withImplied(roles);
  }

  /**
   * Gateways ask their own node's subscription verticle (it counts the node's connections and decides subscriptions),
   * so a gateway node always runs the subscription role too.
   */
  public static Set<Role> withImplied(Set<Role> roles) {
    Set<Role> all = roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
    if (all.contains(GATEWAY)) {
      all.add(SUBSCRIPTION);
    }
    return all;
  }
}
