package io.meshhook.metrics.data.validation;

/**
 * Text that PostgreSQL can store: JSON may carry a lone UTF-16 surrogate ({@code "\ud800"} without its pair), which
 * is no character; sent to PostgreSQL it fails as an invalid UTF-8 byte sequence (a 500 instead of a 422). Every
 * parser of request text asks here.
 */
public final class UnicodeText {

    private UnicodeText() {
    }

    /** Whether the text holds a surrogate that is not half of a pair. */
    public static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The text with each unpaired surrogate replaced by U+FFFD, for free text that is kept rather than refused. */
    public static String withoutUnpairedSurrogates(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(
                cp -> clean.appendCodePoint(
                        Character.isSurrogate((char) cp) && cp <= Character.MAX_VALUE ? '\uFFFD' : cp));
        return clean.toString();
    }
}
