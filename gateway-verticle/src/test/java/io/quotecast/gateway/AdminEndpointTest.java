package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AdminEndpointTest {

  @Test
  void closeReasonsFitACloseFrame() {
    assertEquals(AdminEndpoint.DEFAULT_CLOSE_REASON, AdminEndpoint.closeReason(null));
    assertEquals(AdminEndpoint.DEFAULT_CLOSE_REASON, AdminEndpoint.closeReason("  "));
    assertEquals("abuse", AdminEndpoint.closeReason(" abuse "));
    String longChinese = "操作员关闭".repeat(40);
    String cut = AdminEndpoint.closeReason(longChinese);
    assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 123, cut);
    assertTrue(longChinese.startsWith(cut));
  }
}
