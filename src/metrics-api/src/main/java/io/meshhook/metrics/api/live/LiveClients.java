package io.meshhook.metrics.api.live;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** The streams open in this process; fans each notification out to the streams allowed to see its project. */
@ApplicationScoped
public class LiveClients {

    private final Set<LiveClient> open = ConcurrentHashMap.newKeySet();

    void add(LiveClient client) {
        open.add(client);
    }

    void remove(LiveClient client) {
        open.remove(client);
    }

    /** Forwards the notification to every stream whose caller may see its project, and to no other. */
    void publish(CountersNotice notice) {
        for (LiveClient client : open) {
            if (client.follows(notice.projectId())) {
                client.counters(notice.json());
            }
        }
    }

    /** Tells every stream that notifications may have been lost, so each client re-fetches. */
    void resyncAll(String data) {
        open.forEach(client -> client.resync(data));
    }

    void endAll() {
        open.forEach(LiveClient::end);
    }

    /** How many streams are open, for logs. */
    public int size() {
        return open.size();
    }
}
