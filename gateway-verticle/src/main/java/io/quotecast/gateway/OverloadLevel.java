package io.quotecast.gateway;

import io.quotecast.common.auth.TierLimits;
import java.util.List;
import java.util.function.Predicate;

/**
 * The steps of the overload ladder, each adding to the one below it: free subscriptions are slowed first, then new free
 * connections refused, then free connections shed, then standard refused and shed, then pro. Going down undoes them in
 * reverse. A tier the table does not know ranks as the lowest.
 */
enum OverloadLevel {
  NORMAL("normal"),
  DEGRADE_FREE("degrade_free"),
  REFUSE_FREE("refuse_free"),
  SHED_FREE("shed_free"),
  SHED_STANDARD("shed_standard"),
  SHED_PRO("shed_pro");

  static final OverloadLevel MAX = SHED_PRO;

  private final String wire;

  OverloadLevel(String wire) {
    this.wire = wire;
  }

  /** The level's name in JSON and logs. */
  String wire() {
    return wire;
  }

  /** 0 (normal) to 5, as {@code quotecast_overload_level} shows it. */
  int number() {
    return ordinal();
  }

  static OverloadLevel of(int number) {
    OverloadLevel[] all = values();
    return all[Math.max(0, Math.min(all.length - 1, number))];
  }

  OverloadLevel up() {
    return this == MAX ? this : values()[ordinal() + 1];
  }

  OverloadLevel down() {
    return this == NORMAL ? this : values()[ordinal() - 1];
  }

  /** Whether subscriptions of {@code tier} are slowed to {@code overload.degradedFreq}: free, from level 1. */
  boolean degrades(String tier) {
    return rank(tier) == 0 && this.compareTo(DEGRADE_FREE) >= 0;
  }

  /** Whether new connections of {@code tier} are refused: free from level 2, standard from 4, pro at 5. */
  boolean refuses(String tier) {
    return switch (rank(tier)) {
      case 0 -> this.compareTo(REFUSE_FREE) >= 0;
      case 1 -> this.compareTo(SHED_STANDARD) >= 0;
      default -> this == SHED_PRO;
    };
  }

  /** Whether open connections of {@code tier} are shed: free from level 3, standard from 4, pro at 5. */
  boolean sheds(String tier) {
    return switch (rank(tier)) {
      case 0 -> this.compareTo(SHED_FREE) >= 0;
      case 1 -> this.compareTo(SHED_STANDARD) >= 0;
      default -> this == SHED_PRO;
    };
  }

  /** Whether any tier is refused at this level (the check before the upgrade costs nothing below it). */
  boolean refusesAny() {
    return this.compareTo(REFUSE_FREE) >= 0;
  }

  boolean shedsAny() {
    return this.compareTo(SHED_FREE) >= 0;
  }

  List<String> degradedTiers() {
    return tiers(this::degrades);
  }

  List<String> refusedTiers() {
    return tiers(this::refuses);
  }

  List<String> shedTiers() {
    return tiers(this::sheds);
  }

  private static List<String> tiers(Predicate<String> applies) {
    return TierLimits.NAMES.stream().filter(applies).toList();
  }

  /** 0 for free, 1 for standard, 2 for pro: the order in which tiers lose service. Unknown tiers rank lowest. */
  static int rank(String tier) {
    int i = tier == null ? -1 : TierLimits.NAMES.indexOf(tier);
    return Math.max(0, i);
  }
}
