package io.quotecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * A small allocation-free scanner for the server's JSON envelopes (PROTOCOL.md §2), working on the raw UTF-8 bytes
 * of a text frame. It walks the top-level object once, picks out {@code type}, {@code ts}, {@code ch}, {@code seq},
 * {@code meta.snapshot} and the byte range of {@code data}, and skips everything else structurally (strings with
 * escapes, nested objects and arrays), so it does not depend on the order of fields and is not fooled by a
 * {@code "time"} that appears inside some other value.
 *
 * <p>Not thread-safe: one instance per event loop (or per connection). Malformed input makes the methods return
 * {@code false} or {@link #NONE}; it never throws for ordinary bad JSON.
 */
final class MessageScanner {

  /** Returned for a missing number. */
  static final long NONE = Long.MIN_VALUE;

  static final byte[] K_TYPE = ascii("type");
  static final byte[] K_TS = ascii("ts");
  static final byte[] K_CH = ascii("ch");
  static final byte[] K_SEQ = ascii("seq");
  static final byte[] K_META = ascii("meta");
  static final byte[] K_DATA = ascii("data");
  static final byte[] K_ID = ascii("id");
  static final byte[] K_SNAPSHOT = ascii("snapshot");
  static final byte[] K_RECOVERED = ascii("recovered");
  static final byte[] K_TIME = ascii("time");

  /** One envelope's fields, as byte ranges into the scanned array; reused. */
  static final class Envelope {
    int typeStart = -1;
    int typeEnd = -1;
    int chStart = -1;
    int chEnd = -1;
    int idStart = -1;
    int idEnd = -1;
    int dataStart = -1;
    int dataEnd = -1;
    long ts = NONE;
    long seq = NONE;
    boolean snapshot;
    boolean recovered;

    void reset() {
      typeStart = typeEnd = chStart = chEnd = idStart = idEnd = dataStart = dataEnd = -1;
      ts = seq = NONE;
      snapshot = recovered = false;
    }

    boolean typeIs(byte[] b, byte[] literal) {
      return typeStart >= 0 && rangeEquals(b, typeStart, typeEnd, literal);
    }

    String type(byte[] b) {
      return typeStart < 0 ? null : new String(b, typeStart, typeEnd - typeStart, StandardCharsets.UTF_8);
    }

    String ch(byte[] b) {
      return chStart < 0 ? null : new String(b, chStart, chEnd - chStart, StandardCharsets.UTF_8);
    }

    boolean hasData() {
      return dataStart >= 0;
    }
  }

  private int pos;

  /**
   * Parses the object starting at {@code start} (leading whitespace allowed) into {@code out}.
   *
   * @return the index just after the object, or -1 when the input is not an object or is malformed
   */
  int parseEnvelope(byte[] b, int start, int end, Envelope out) {
    out.reset();
    int i = skipWs(b, start, end);
    if (i >= end || b[i] != '{') {
      return -1;
    }
    i = skipWs(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    while (i < end) {
      if (b[i] != '"') {
        return -1;
      }
      int ks = i + 1;
      i = skipString(b, i, end);
      if (i < 0) {
        return -1;
      }
      int ke = i - 1;
      i = skipWs(b, i, end);
      if (i >= end || b[i] != ':') {
        return -1;
      }
      i = skipWs(b, i + 1, end);
      if (i >= end) {
        return -1;
      }
      int klen = ke - ks;
      if (klen == 4 && rangeEquals(b, ks, ke, K_TYPE) && b[i] == '"') {
        out.typeStart = i + 1;
        i = skipString(b, i, end);
        out.typeEnd = i - 1;
      } else if (klen == 2 && rangeEquals(b, ks, ke, K_TS)) {
        out.ts = parseLong(b, i, end);
        i = pos;
      } else if (klen == 2 && rangeEquals(b, ks, ke, K_CH) && b[i] == '"') {
        out.chStart = i + 1;
        i = skipString(b, i, end);
        out.chEnd = i - 1;
      } else if (klen == 3 && rangeEquals(b, ks, ke, K_SEQ)) {
        out.seq = parseLong(b, i, end);
        i = pos;
      } else if (klen == 2 && rangeEquals(b, ks, ke, K_ID) && b[i] == '"') {
        out.idStart = i + 1;
        i = skipString(b, i, end);
        out.idEnd = i - 1;
      } else if (klen == 4 && rangeEquals(b, ks, ke, K_META) && b[i] == '{') {
        int ms = i;
        i = skipValue(b, i, end);
        if (i < 0) {
          return -1;
        }
        scanMeta(b, ms, i, out);
      } else if (klen == 4 && rangeEquals(b, ks, ke, K_DATA)) {
        out.dataStart = i;
        i = skipValue(b, i, end);
        out.dataEnd = i;
      } else {
        i = skipValue(b, i, end);
      }
      if (i < 0) {
        return -1;
      }
      i = skipWs(b, i, end);
      if (i >= end) {
        return -1;
      }
      if (b[i] == ',') {
        i = skipWs(b, i + 1, end);
      } else if (b[i] == '}') {
        return i + 1;
      } else {
        return -1;
      }
    }
    return -1;
  }

  private void scanMeta(byte[] b, int start, int end, Envelope out) {
    int i = skipWs(b, start + 1, end);
    while (i < end && b[i] == '"') {
      int ks = i + 1;
      i = skipString(b, i, end);
      if (i < 0) {
        return;
      }
      int ke = i - 1;
      i = skipWs(b, i, end);
      if (i >= end || b[i] != ':') {
        return;
      }
      i = skipWs(b, i + 1, end);
      boolean isTrue = i + 4 <= end && b[i] == 't' && b[i + 1] == 'r' && b[i + 2] == 'u' && b[i + 3] == 'e';
      if (isTrue && rangeEquals(b, ks, ke, K_SNAPSHOT)) {
        out.snapshot = true;
      } else if (isTrue && rangeEquals(b, ks, ke, K_RECOVERED)) {
        out.recovered = true;
      }
      i = skipValue(b, i, end);
      if (i < 0) {
        return;
      }
      i = skipWs(b, i, end);
      if (i < end && b[i] == ',') {
        i = skipWs(b, i + 1, end);
      } else {
        return;
      }
    }
  }

  /**
   * The source time of a payload: {@code data.time} of an object, or the largest {@code time} of the objects in an
   * array (a conflated trade array: the newest trade). {@link #NONE} when there is none (e.g. K-lines).
   */
  long dataTime(byte[] b, int start, int end) {
    int i = skipWs(b, start, end);
    if (i >= end) {
      return NONE;
    }
    if (b[i] == '{') {
      return objectLong(b, i, end, K_TIME);
    }
    if (b[i] != '[') {
      return NONE;
    }
    long max = NONE;
    i = skipWs(b, i + 1, end);
    while (i < end && b[i] != ']') {
      int next = skipValue(b, i, end);
      if (next < 0) {
        return max;
      }
      if (b[i] == '{') {
        long t = objectLong(b, i, next, K_TIME);
        if (t > max) {
          max = t;
        }
      }
      i = skipWs(b, next, end);
      if (i < end && b[i] == ',') {
        i = skipWs(b, i + 1, end);
      }
    }
    return max;
  }

  /** The number under a top-level key of the object at {@code start}, or {@link #NONE}. */
  long objectLong(byte[] b, int start, int end, byte[] key) {
    int i = skipWs(b, start + 1, end);
    while (i < end && b[i] == '"') {
      int ks = i + 1;
      i = skipString(b, i, end);
      if (i < 0) {
        return NONE;
      }
      int ke = i - 1;
      i = skipWs(b, i, end);
      if (i >= end || b[i] != ':') {
        return NONE;
      }
      i = skipWs(b, i + 1, end);
      if (rangeEquals(b, ks, ke, key)) {
        return parseLong(b, i, end);
      }
      i = skipValue(b, i, end);
      if (i < 0) {
        return NONE;
      }
      i = skipWs(b, i, end);
      if (i < end && b[i] == ',') {
        i = skipWs(b, i + 1, end);
      } else {
        return NONE;
      }
    }
    return NONE;
  }

  /**
   * Calls {@code visitor} with the start index of each element of the array at {@code start}.
   *
   * @return the number of elements, or -1 when malformed
   */
  int forEachElement(byte[] b, int start, int end, ElementVisitor visitor) {
    int i = skipWs(b, start, end);
    if (i >= end || b[i] != '[') {
      return -1;
    }
    int n = 0;
    i = skipWs(b, i + 1, end);
    while (i < end && b[i] != ']') {
      int next = skipValue(b, i, end);
      if (next < 0) {
        return -1;
      }
      visitor.element(b, i, next);
      n++;
      i = skipWs(b, next, end);
      if (i < end && b[i] == ',') {
        i = skipWs(b, i + 1, end);
      }
    }
    return n;
  }

  interface ElementVisitor {
    void element(byte[] b, int start, int end);
  }

  // ---- primitives ----

  /** Parses an integer (a fraction or exponent is skipped); sets {@link #pos} after the number. */
  long parseLong(byte[] b, int i, int end) {
    boolean neg = false;
    if (i < end && b[i] == '-') {
      neg = true;
      i++;
    }
    int digitsStart = i;
    long v = 0;
    while (i < end) {
      byte c = b[i];
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      i++;
    }
    if (i == digitsStart) {
      pos = skipValue(b, digitsStart - (neg ? 1 : 0), end);
      return NONE;
    }
    while (i < end) {
      byte c = b[i];
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        i++;
      } else {
        break;
      }
    }
    pos = i;
    return neg ? -v : v;
  }

  static int skipWs(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
      i++;
    }
    return i;
  }

  /** {@code b[i]} is the opening quote; returns the index after the closing quote, or -1. */
  static int skipString(byte[] b, int i, int end) {
    i++;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        i += 2;
      } else {
        i++;
      }
    }
    return -1;
  }

  /** Skips one JSON value starting at {@code i}; returns the index after it, or -1 when malformed. */
  static int skipValue(byte[] b, int i, int end) {
    if (i < 0 || i >= end) {
      return -1;
    }
    byte c = b[i];
    if (c == '"') {
      return skipString(b, i, end);
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i < end) {
        c = b[i];
        if (c == '"') {
          i = skipString(b, i, end);
          if (i < 0) {
            return -1;
          }
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      return -1;
    }
    // number, true, false, null
    int s = i;
    while (i < end) {
      c = b[i];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        break;
      }
      i++;
    }
    return i > s ? i : -1;
  }

  static boolean rangeEquals(byte[] b, int s, int e, byte[] lit) {
    if (e - s != lit.length) {
      return false;
    }
    for (int k = 0; k < lit.length; k++) {
      if (b[s + k] != lit[k]) {
        return false;
      }
    }
    return true;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
