package io.meshhook.metrics.api.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A test's Server-Sent Events reader: opens the stream with java.net.http and queues the events it parses. */
final class SseClient implements AutoCloseable {

    /** One event as received, with the moment its last line arrived. */
    record Event(String id, String name, String data, long receivedNanos) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final HttpResponse<Stream<String>> response;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream with the given headers (name, value, ...) and checks it was accepted as a stream. */
    static SseClient open(URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<Stream<String>> response = HTTP.sendAsync(request.build(), BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        return new SseClient(response);
    }

    /** The next event, or null when none arrived in time. */
    Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next event, which must arrive in time and have the given name. */
    Event expect(String name, Duration timeout) throws InterruptedException {
        Event event = next(timeout);
        assertThat(event).as("a '%s' event within %s", name, timeout).isNotNull();
        assertThat(event.name()).isEqualTo(name);
        return event;
    }

    /** How many comment lines (heartbeats) arrived so far. */
    int comments() {
        return comments.get();
    }

    /** Whether the server ended the stream within the timeout. */
    boolean endsWithin(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        response.body().close();
    }

    private void read() {
        Map<String, String> fields = new LinkedHashMap<>();
        try (Stream<String> lines = response.body()) {
            lines.forEach(line -> {
                if (line.isEmpty()) {
                    if (fields.containsKey("event")) {
                        events.add(new Event(fields.get("id"), fields.get("event"), fields.get("data"),
                                System.nanoTime()));
                    }
                    fields.clear();
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else {
                    int colon = line.indexOf(':');
                    String value = line.substring(colon + 1).stripLeading();
                    fields.merge(line.substring(0, colon), value, (a, b) -> a + "\n" + b);
                }
            });
        } catch (RuntimeException e) {
            // the test closed the stream, or the connection broke; what was queued stays readable
        } finally {
            ended.countDown();
        }
    }
}
