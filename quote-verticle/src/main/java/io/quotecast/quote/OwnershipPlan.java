package io.quotecast.quote;

import io.quotecast.common.cluster.SymbolBuckets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one quote node does in one reconcile, decided from a consistent read of the cluster: the members, the quote
 * nodes registered in {@code QUOTE_NODES_MAP}, the bucket owners in {@code OWNER_MAP} and the buckets it produces.
 * Pure logic; {@link BucketOwnership} carries it out.
 *
 * <p>Each bucket's target is {@link SymbolBuckets#preferredOwner} among the live quote nodes (registered and members).
 * A node releases what it owns when the target is another node; it claims a bucket whose entry is empty or names a
 * node that is no longer a member, when it is the target (or the target is not live, so that nothing stays
 * unproduced).
 *
 * <p>Invariant — why no symbol has two producers: a bucket's entry changes only by compare-and-set (putIfAbsent,
 * replaceIfPresent, removeIfPresent); a node produces a bucket only after its CAS succeeded and stops producing before
 * it removes its entry; a dead node's entry is replaced only after the cluster manager has removed that node from the
 * membership (and a node that finds its entry replaced or gone while it still produces stops at once: {@link #lost}).
 * Within one partition of the cluster, at every moment at most one node's entry stands per bucket, and only that node
 * may produce. A split brain (two partitions that each think the other dead) breaks this until they merge: both halves
 * produce; after the merge the losers see the entry name someone else and stop. Why no symbol stays unproduced: the
 * target of every bucket is a live node, which claims an empty or dead entry at its next reconcile, so a bucket
 * waits at most the member timeout (death) plus one reconcile period plus the takeover itself.
 *
 * @param liveNodes live quote nodes, sorted (this node included when it is a member)
 * @param purge registrations in {@code QUOTE_NODES_MAP} of nodes that are no longer members
 * @param register whether this node's own registration is missing (first start, or purged by a peer that briefly
 *     did not see it)
 * @param release buckets this node produces whose target is another live node: stop, hand the snapshots over,
 *     unregister, remove the entry
 * @param lost buckets this node produces whose entry names another node or nothing: stop at once, hand nothing over
 * @param claims buckets to claim by CAS, then take over
 * @param dropStale buckets whose entry names this node though it does not produce them (left by an earlier run) and
 *     whose target is another node: remove the entry
 * @param unsettled buckets with no live owner that this node does not claim (another node will), plus the released ones
 */
public record OwnershipPlan(List<String> liveNodes, List<String> purge, boolean register, List<Integer> release,
                            List<Integer> lost, List<Claim> claims, List<Integer> dropStale,
                            List<Integer> unsettled) {

  /**
   * A bucket to claim: {@code expected} null = the entry is empty (putIfAbsent); otherwise the entry to replace
   * (a dead node's, or this node's own stale one).
   */
  public record Claim(int bucket, String expected) {}

  /**
   * @param me this node's id
   * @param buckets {@code cluster.buckets}
   * @param members the cluster manager's live members
   * @param quoteNodes keys of {@code QUOTE_NODES_MAP}
   * @param owners {@code OWNER_MAP}: bucket -> node id (entries for buckets out of range are ignored)
   * @param owned buckets this node produces now
   */
  public static OwnershipPlan of(String me, int buckets, Collection<String> members, Collection<String> quoteNodes,
                                 Map<Integer, String> owners, Set<Integer> owned) {
    Set<String> memberSet = new HashSet<>(members);
    Set<String> live = new TreeSet<>();
    List<String> purge = new ArrayList<>();
    for (String node : quoteNodes) {
      if (memberSet.contains(node)) {
        live.add(node);
      } else {
        purge.add(node);
      }
    }
    boolean member = memberSet.contains(me);
    if (member) {
      live.add(me);
    }
    List<Integer> release = new ArrayList<>();
    List<Integer> lost = new ArrayList<>();
    List<Claim> claims = new ArrayList<>();
    List<Integer> dropStale = new ArrayList<>();
    List<Integer> unsettled = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      String target = SymbolBuckets.preferredOwner(b, live);
      boolean targetLive = target != null && live.contains(target);
      String current = owners.get(b);
      boolean currentLive = current != null && memberSet.contains(current);
      if (owned.contains(b)) {
        if (!me.equals(current)) {
          lost.add(b);
          unsettled.add(b);
        } else if (targetLive && !me.equals(target)) {
          release.add(b);
          unsettled.add(b);
        }
      } else if (me.equals(current)) {
        if (me.equals(target) || !targetLive) {
          claims.add(new Claim(b, me));
        } else {
          dropStale.add(b);
          unsettled.add(b);
        }
      } else if (!currentLive) {
        if (member && (me.equals(target) || !targetLive)) {
          claims.add(new Claim(b, current));
        } else {
          unsettled.add(b);
        }
      }
    }
    return new OwnershipPlan(List.copyOf(live), purge, !quoteNodes.contains(me), release, lost, claims, dropStale,
        unsettled);
  }

  /** Whether, once the claims succeed (or fail because another node got there first), every bucket has an owner. */
  public boolean settled() {
    return unsettled.isEmpty();
  }
}
