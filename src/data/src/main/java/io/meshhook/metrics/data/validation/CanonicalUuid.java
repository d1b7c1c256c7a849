package io.meshhook.metrics.data.validation;

import java.util.UUID;

/**
 * The one UUID reader for caller input: only the canonical 8-4-4-4-12 hex form (any case). UUID.fromString also
 * accepts forms such as "1-2-3-4-5", which no client means and which would make one id look like another.
 */
public final class CanonicalUuid {

    private CanonicalUuid() {
    }

    /** The UUID, or null when the text is null or not a canonical UUID. */
    public static UUID parse(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        try {
            UUID id = UUID.fromString(text);
            return id.toString().equalsIgnoreCase(text) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
