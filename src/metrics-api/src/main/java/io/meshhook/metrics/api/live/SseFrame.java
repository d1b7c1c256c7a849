package io.meshhook.metrics.api.live;

import java.util.regex.Pattern;

/** Server-Sent Events wire format: one event or comment per frame, each ended by an empty line. */
final class SseFrame {

    /** A comment line: clients ignore it, but it keeps idle connections from being cut by intermediaries. */
    static final String KEEPALIVE = ": keepalive\n\n";

    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private SseFrame() {
    }

    static String event(long id, String name, String data) {
        StringBuilder frame = new StringBuilder(data.length() + 48)
                .append("id: ").append(id).append('\n')
                .append("event: ").append(name).append('\n');
        // a raw line break would end the data field early; SSE joins consecutive data lines with '\n'
        for (String line : LINE_BREAK.split(data, -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }
}
