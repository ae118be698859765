package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.cluster.SymbolBuckets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OwnershipPlanTest {
  static final int BUCKETS = 64;
  static final String A = "node-a";
  static final String B = "node-b";
  static final String C = "node-c";

  static Set<Integer> all() {
    return IntStream.range(0, BUCKETS).boxed().collect(Collectors.toSet());
  }

  static Map<Integer, String> ownedBy(String node, Set<Integer> buckets) {
    Map<Integer, String> m = new HashMap<>();
    buckets.forEach(b -> m.put(b, node));
    return m;
  }

  static Set<Integer> claimed(OwnershipPlan p) {
    return p.claims().stream().map(OwnershipPlan.Claim::bucket).collect(Collectors.toSet());
  }

  @Test
  void aSingleNodeClaimsEveryEmptyBucket() {
    OwnershipPlan p = OwnershipPlan.of(A, BUCKETS, List.of(A), List.of(), Map.of(), Set.of());
    assertTrue(p.register());
    assertEquals(List.of(A), p.liveNodes());
    assertEquals(all(), claimed(p));
    assertTrue(p.claims().stream().allMatch(c -> c.expected() == null), "putIfAbsent on empty entries");
    assertTrue(p.settled());
    assertTrue(p.release().isEmpty() && p.lost().isEmpty() && p.purge().isEmpty());
  }

  @Test
  void everyBucketHasExactlyOneTargetAmongThreeNodes() {
    List<String> nodes = List.of(A, B, C);
    Map<Integer, String> owners = new HashMap<>();
    for (String me : nodes) {
      OwnershipPlan p = OwnershipPlan.of(me, BUCKETS, nodes, nodes, Map.of(), Set.of());
      assertFalse(p.register());
      for (OwnershipPlan.Claim c : p.claims()) {
        assertEquals(me, SymbolBuckets.preferredOwner(c.bucket(), nodes));
        assertEquals(null, owners.put(c.bucket(), me), "bucket " + c.bucket() + " claimed twice");
      }
      assertTrue(claimed(p).size() > BUCKETS / 6, me + " takes about a third: " + claimed(p).size());
    }
    assertEquals(all(), owners.keySet(), "no bucket left out");
  }

  @Test
  void onJoinTheOwnerReleasesTheNewcomersShareAndTheNewcomerWaits() {
    List<String> nodes = List.of(A, B);
    Map<Integer, String> owners = ownedBy(A, all());
    OwnershipPlan atA = OwnershipPlan.of(A, BUCKETS, nodes, nodes, owners, all());
    Set<Integer> targetB = all().stream().filter(b -> B.equals(SymbolBuckets.preferredOwner(b, nodes)))
        .collect(Collectors.toSet());
    assertFalse(targetB.isEmpty());
    assertEquals(targetB, new HashSet<>(atA.release()));
    assertTrue(atA.claims().isEmpty());
    OwnershipPlan atB = OwnershipPlan.of(B, BUCKETS, nodes, nodes, owners, Set.of());
    assertTrue(atB.claims().isEmpty(), "A is live: B waits for the release");
    assertTrue(atB.settled(), "every bucket has a live owner");
    // after A removed its entries, B claims exactly them
    targetB.forEach(owners::remove);
    OwnershipPlan next = OwnershipPlan.of(B, BUCKETS, nodes, nodes, owners, Set.of());
    assertEquals(targetB, claimed(next));
  }

  @Test
  void onGracefulLeaveTheOthersClaimTheReleasedBuckets() {
    // A deregistered and removed its entries but is still a member for a moment
    Set<Integer> ofA = all().stream().filter(b -> b % 2 == 0).collect(Collectors.toSet());
    Set<Integer> ofB = all().stream().filter(b -> b % 2 == 1).collect(Collectors.toSet());
    OwnershipPlan p = OwnershipPlan.of(B, BUCKETS, List.of(A, B), List.of(B), ownedBy(B, ofB), ofB);
    assertEquals(ofA, claimed(p));
    assertEquals(List.of(B), p.liveNodes());
  }

  @Test
  void aDeadNodesEntriesAreReplacedOnlyOnceItLeftTheMembership() {
    Set<Integer> ofA = all().stream().filter(b -> b < 20).collect(Collectors.toSet());
    Set<Integer> ofB = all().stream().filter(b -> b >= 20).collect(Collectors.toSet());
    Map<Integer, String> owners = ownedBy(A, ofA);
    owners.putAll(ownedBy(B, ofB));
    // still a member (not yet declared dead): nothing moves
    OwnershipPlan early = OwnershipPlan.of(B, BUCKETS, List.of(A, B), List.of(A, B), owners, ofB);
    assertTrue(early.claims().isEmpty());
    // declared dead: its registration is purged and its buckets replaced by CAS from A
    OwnershipPlan p = OwnershipPlan.of(B, BUCKETS, List.of(B), List.of(A, B), owners, ofB);
    assertEquals(List.of(A), p.purge());
    assertEquals(ofA, claimed(p));
    assertTrue(p.claims().stream().allMatch(c -> A.equals(c.expected())), "replaceIfPresent(b, A, B)");
    assertTrue(p.release().isEmpty() && p.lost().isEmpty());
  }

  @Test
  void staleRegistrationsAndEntriesOfLongGoneNodesAreCleanedUp() {
    Map<Integer, String> owners = ownedBy("ghost", Set.of(3, 4));
    OwnershipPlan p = OwnershipPlan.of(A, BUCKETS, List.of(A), List.of("ghost", A), owners, Set.of());
    assertEquals(List.of("ghost"), p.purge());
    assertEquals(List.of(A), p.liveNodes());
    assertEquals(all(), claimed(p));
    assertTrue(p.claims().stream().filter(c -> c.bucket() == 3).allMatch(c -> "ghost".equals(c.expected())));
  }

  @Test
  void myOwnStaleClaimAfterARestartIsReclaimedOrDropped() {
    // entries name A (left by an earlier run in this process) but A produces nothing
    List<String> nodes = List.of(A, B);
    Map<Integer, String> owners = ownedBy(A, all());
    OwnershipPlan p = OwnershipPlan.of(A, BUCKETS, nodes, nodes, owners, Set.of());
    for (int b = 0; b < BUCKETS; b++) {
      boolean mine = A.equals(SymbolBuckets.preferredOwner(b, nodes));
      int bucket = b;
      assertEquals(mine, p.claims().stream().anyMatch(c -> c.bucket() == bucket && A.equals(c.expected())));
      assertEquals(!mine, p.dropStale().contains(b));
    }
  }

  @Test
  void aBucketWhoseEntryNamesSomeoneElseIsStoppedAtOnce() {
    Map<Integer, String> owners = ownedBy(A, all());
    owners.put(5, B);
    owners.remove(6);
    OwnershipPlan p = OwnershipPlan.of(A, BUCKETS, List.of(A, B), List.of(A), owners, all());
    assertEquals(List.of(5, 6), p.lost());
    assertFalse(p.settled());
  }

  @Test
  void aNodeThatIsNotAMemberClaimsNothing() {
    OwnershipPlan p = OwnershipPlan.of(A, BUCKETS, List.of(), List.of(A), Map.of(), Set.of());
    assertTrue(p.claims().isEmpty());
    assertFalse(p.settled());
  }

  @Test
  void registrationIsRestoredWhenAPeerPurgedIt() {
    OwnershipPlan p = OwnershipPlan.of(A, BUCKETS, List.of(A, B), List.of(B), Map.of(), Set.of());
    assertTrue(p.register());
    assertTrue(p.liveNodes().contains(A), "counted live meanwhile");
  }
}
