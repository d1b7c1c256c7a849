package io.meshhook.metrics.api.query;

/**
 * The element-by-element sum of duration histograms, read as PostgreSQL's text form of {@code integer[]}
 * ({@code {0,0,3,1}}) straight into one growing array.
 * <p>
 * Why text: a summary reads one histogram per workflow and day (a 90-day window of 50 workflows: 4,550 arrays,
 * 272,000 elements). In the binary form every element is 8 bytes (a length and the value), and the client decodes
 * each into a boxed {@code Integer} in a new array; the text form is about 2.5 bytes an element and is added up here
 * without an object per element.
 */
final class HistogramSum {

    private int[] counts = new int[0];
    private int length;
    private boolean empty = true;

    /**
     * Adds one histogram in PostgreSQL's text form: elements 1..n between braces, {@code NULL} or nothing between
     * two commas counting as 0 (as in run_metrics_hist_add), an optional dimension prefix ({@code [1:3]=}) ignored.
     * Null adds nothing.
     */
    void add(String text) {
        if (text == null) {
            return;
        }
        int i = text.indexOf('{') + 1;
        if (i == 0) {
            throw new IllegalArgumentException("not an integer[] in text form: " + text);
        }
        int element = 0;
        int value = 0;
        boolean pending = false; // digits or NULL since the last separator
        for (int end = text.length(); i < end; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                pending = true;
            } else if (c == ',' || c == '}') {
                // an element ends here unless the braces are empty: "{}" has none, "{1,}" two
                if (pending || c == ',' || text.charAt(i - 1) == ',') {
                    addAt(element++, value);
                }
                value = 0;
                pending = false;
                if (c == '}') {
                    break;
                }
            } else if (c == 'N' || c == 'U' || c == 'L') {
                pending = true;
            } else if (c != ' ') {
                throw new IllegalArgumentException("not a histogram of counts: " + text);
            }
        }
        empty = false;
    }

    /** Adds one histogram as the client decodes it (null elements count as 0). */
    void add(Integer[] histogram) {
        if (histogram == null) {
            return;
        }
        for (int i = 0; i < histogram.length; i++) {
            addAt(i, histogram[i] == null ? 0 : histogram[i]);
        }
        empty = false;
    }

    /** Whether nothing was added. */
    boolean isEmpty() {
        return empty;
    }

    /** The sum, as long as the longest histogram added. */
    Integer[] toArray() {
        Integer[] total = new Integer[length];
        for (int i = 0; i < length; i++) {
            total[i] = counts[i];
        }
        return total;
    }

    private void addAt(int index, int value) {
        if (index >= counts.length) {
            counts = java.util.Arrays.copyOf(counts, Math.max(64, 2 * index + 2));
        }
        counts[index] += value;
        length = Math.max(length, index + 1);
    }
}
