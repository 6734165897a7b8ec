package io.github.reloadwatch.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.github.reloadwatch.AtomicWriter.FileProjection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a ConfigMap or Secret into the files of a volume, as kubelet's {@code MakePayload} does
 * for ConfigMap and Secret volumes: every key of {@code data} (and, for a ConfigMap, {@code
 * binaryData}) becomes a file of that name with the default mode; with {@code items}, only the
 * listed keys, each at its path with its mode, and a listed key that is missing fails the whole
 * version unless the volume is optional. Pure: no I/O. Messages name keys, never values.
 */
final class Payloads {

  private Payloads() {}

  /**
   * Returns the files of {@code object}, or of an absent optional object (no files).
   *
   * @param object the object; null when it does not exist
   * @throws InvalidPayloadException if a listed key is missing (and not optional), a key is in both
   *     {@code data} and {@code binaryData}, or a value is not valid base64
   */
  static List<FileProjection> render(
      ObjectRef ref, HasMetadata object, List<Item> items, int defaultMode, boolean optional)
      throws InvalidPayloadException {
    if (object == null) {
      return List.of();
    }
    Map<String, byte[]> values = values(ref, object);
    List<FileProjection> files = new ArrayList<>();
    if (items.isEmpty()) {
      values.forEach((key, bytes) -> files.add(FileProjection.of(key, bytes, defaultMode)));
      return files;
    }
    for (Item item : items) {
      byte[] bytes = values.get(item.key());
      if (bytes == null) {
        if (optional) {
          continue; // kubelet: an optional volume skips a listed key that is missing
        }
        throw new InvalidPayloadException(ref + " has no key " + item.key() + " listed in items:"
            + " add the key, remove the item, or make the volume optional (kubelet refuses it"
            + " too: \"references non-existent config key\")");
      }
      files.add(FileProjection.of(
          item.path(), bytes, item.mode() == -1 ? defaultMode : item.mode()));
    }
    return files;
  }

  /** Every key and its bytes; sorted, so that messages and payloads do not depend on map order. */
  private static Map<String, byte[]> values(ObjectRef ref, HasMetadata object)
      throws InvalidPayloadException {
    Map<String, byte[]> values = new TreeMap<>();
    if (object instanceof ConfigMap configMap) {
      for (Map.Entry<String, String> e : orEmpty(configMap.getData()).entrySet()) {
        values.put(e.getKey(), nullToEmpty(e.getValue()).getBytes(StandardCharsets.UTF_8));
      }
      for (Map.Entry<String, String> e : orEmpty(configMap.getBinaryData()).entrySet()) {
        if (values.containsKey(e.getKey())) {
          // the API server refuses such an object; kubelet would let binaryData win silently
          throw new InvalidPayloadException(ref + " has key " + e.getKey() + " in both data and"
              + " binaryData, which the API server forbids: keep it in one of them");
        }
        values.put(e.getKey(), decode(ref, "binaryData", e.getKey(), e.getValue()));
      }
    } else if (object instanceof Secret secret) {
      for (Map.Entry<String, String> e : orEmpty(secret.getData()).entrySet()) {
        values.put(e.getKey(), decode(ref, "data", e.getKey(), e.getValue()));
      }
    } else {
      throw new IllegalArgumentException(ref + ": unexpected type " + object.getClass().getName());
    }
    return values;
  }

  private static byte[] decode(ObjectRef ref, String field, String key, String base64)
      throws InvalidPayloadException {
    try {
      return Base64.getDecoder().decode(nullToEmpty(base64));
    } catch (IllegalArgumentException e) {
      // not the decoder's message: it can quote a character of the value
      throw new InvalidPayloadException(
          ref + " key " + key + " in " + field + " is not valid base64");
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : new LinkedHashMap<>(map);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
